/**
 * Imported first by any bench that loads React or Ink: ESM evaluates a module's
 * imports before its body, so setting NODE_ENV in the body comes too late once a
 * static import (the test harness) has pulled in Ink — React's development build,
 * several times slower, would be measured instead of what ships (the bundle is
 * built with NODE_ENV=production).
 */
process.env['NODE_ENV'] = 'production';
// Ink writes only the last frame under CI=true: that would measure nothing
delete process.env['CI'];
