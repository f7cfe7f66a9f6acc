import { io } from 'socket.io-client'

import {
  IO_CONNECT,
  IO_DISCONNECT,
  IO_CLIENT_HELLO,
  IO_CLIENT_JOIN_ROOM,
  IO_SERVER_HELLO,
} from './config.js'
import { socketConnected, socketDisconnected, serverMessage } from './store.js'

const setUpSocket = (store) => {
  const socket = io(window.location.host)

  socket.on(IO_CONNECT, () => {
    console.log('[socket.io] Connected.')
    store.dispatch(socketConnected())
    socket.emit(IO_CLIENT_JOIN_ROOM, 'hello-1234')
    socket.emit(IO_CLIENT_HELLO, 'Hello!')
  })

  socket.on(IO_SERVER_HELLO, (message) => {
    console.log(`[socket.io] Server: ${message}`)
    store.dispatch(serverMessage(message))
  })

  socket.on(IO_DISCONNECT, () => {
    console.log('[socket.io] Disconnected.')
    store.dispatch(socketDisconnected())
  })

  return socket
}

export default setUpSocket
