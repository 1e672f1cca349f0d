// The web host hands out its access token in the page URL. Keep it for this tab only and take it out
// of the address bar, so it does not end up in history or a shared screenshot.
const STORAGE_KEY = 'keyload.token';

export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url);
  }
  return win.sessionStorage.getItem(STORAGE_KEY);
}
