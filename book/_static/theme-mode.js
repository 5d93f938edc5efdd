// A first visit has no stored colour mode; the theme then logs a console error.
// Start such a visit in "auto" mode (follow the reader's system setting).
if (!document.documentElement.dataset.mode) {
  document.documentElement.dataset.mode = "auto";
}
