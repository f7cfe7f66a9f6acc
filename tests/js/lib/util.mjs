// Small shared helpers for the JS tests.

/** Rejects with `message` (a string, or a function giving one) after ms unless `promise` settles first. */
export function withTimeout(promise, ms, message) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const text = typeof message === 'function' ? message() : message
      reject(new Error(`${text} (after ${ms} ms)`))
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** n deterministic pseudo-random bytes (an LCG seeded with `seed`). */
export function pseudoRandomBytes(n, seed = 12345) {
  const a = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    a[i] = x >>> 24
  }
  return a
}
