import { createStore, appReducer } from './store.js'
import setUpSocket from './socket.js'

const STATUS_TEXT = {
  connecting: 'connecting…',
  connected: 'connected',
  disconnected: 'disconnected',
}

const store = createStore(appReducer)

const statusEl = document.getElementById('status')
// In a cluster (tools/cluster), which server this page talks to: two tabs on two servers
// show the room hellos crossing between them.
const serverEl = document.getElementById('server')
if (serverEl) serverEl.textContent = window.location.host
const logEl = document.getElementById('log')

const render = () => {
  const { status, log } = store.getState()
  if (statusEl) {
    statusEl.textContent = STATUS_TEXT[status] || status
    statusEl.dataset.status = status
  }
  if (logEl) {
    // Append only the lines not shown yet; newest last.
    for (let i = logEl.children.length; i < log.length; i += 1) {
      const li = document.createElement('li')
      li.textContent = log[i]
      logEl.appendChild(li)
    }
  }
}

store.subscribe(render)
render()

setUpSocket(store)

document.body.dataset.app = 'ready'
