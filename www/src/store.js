// A minimal Redux-like store: createStore(reducer) -> { getState, dispatch, subscribe }.

export const createStore = (reducer, preloadedState) => {
  let state = reducer(preloadedState, { type: '@@INIT' })
  let listeners = []

  const getState = () => state

  const dispatch = (action) => {
    if (!action || typeof action.type !== 'string') {
      throw new Error('Actions must be objects with a string "type".')
    }
    state = reducer(state, action)
    listeners.slice().forEach((listener) => listener())
    return action
  }

  const subscribe = (listener) => {
    listeners.push(listener)
    return () => {
      listeners = listeners.filter((l) => l !== listener)
    }
  }

  return { getState, dispatch, subscribe }
}

// Action types
export const SOCKET_CONNECTED = 'SOCKET_CONNECTED'
export const SOCKET_DISCONNECTED = 'SOCKET_DISCONNECTED'
export const SOCKET_SERVER_MESSAGE = 'SOCKET_SERVER_MESSAGE'
export const LOG = 'LOG'

// Action creators
export const socketConnected = () => ({ type: SOCKET_CONNECTED })
export const socketDisconnected = () => ({ type: SOCKET_DISCONNECTED })
export const serverMessage = (message) => ({ type: SOCKET_SERVER_MESSAGE, message })
export const log = (line) => ({ type: LOG, line })

const initialState = { status: 'connecting', log: [] }

// State: { status: 'connecting' | 'connected' | 'disconnected', log: string[] }
export const appReducer = (state = initialState, action) => {
  switch (action.type) {
    case SOCKET_CONNECTED:
      return { status: 'connected', log: [...state.log, '[socket.io] Connected.'] }
    case SOCKET_DISCONNECTED:
      return { status: 'disconnected', log: [...state.log, '[socket.io] Disconnected.'] }
    case SOCKET_SERVER_MESSAGE:
      return { ...state, log: [...state.log, `[socket.io] Server: ${action.message}`] }
    case LOG:
      return { ...state, log: [...state.log, action.line] }
    default:
      return state
  }
}
