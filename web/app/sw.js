// Offline: every file of the app is cached when the service worker installs,
// and served from the cache afterwards, so the app opens in airplane mode
// and makes no network request once installed. web/build.sh fills in the
// version (a hash of the files) and the list of files.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const CACHE = `tgseal-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tgseal-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // Only the app's own files; anything else is not ours to answer.
  if (url.origin !== self.location.origin || event.request.method !== 'GET') return;
  event.respondWith(caches.open(CACHE).then((cache) =>
    cache.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request))));
});
