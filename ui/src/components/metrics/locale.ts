// uPlot builds `new Intl.NumberFormat(navigator.language)` as it loads. WebKitGTK started
// under LANG=C (CI, minimal desktops) reports the language as `C`, which Intl refuses with a
// RangeError, and the whole UI would fail to start. Imported before uPlot: it gives uPlot a
// tag Intl accepts in that case and changes nothing otherwise.
export function validLanguage(tag: string | undefined): string {
  try {
    if (tag) {
      new Intl.NumberFormat(tag);
      return tag;
    }
  } catch {
    // fall through
  }
  return 'en-US';
}

if (typeof navigator !== 'undefined') {
  const tag = validLanguage(navigator.language);
  if (tag !== navigator.language) Object.defineProperty(navigator, 'language', { value: tag, configurable: true });
}
