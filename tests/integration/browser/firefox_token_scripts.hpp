// The chrome-context scripts behind Firefox::LoginToken, TokenLoggedIn and
// RefusedPinPrompts (tests/support/firefox_harness.hpp): the PIN guard that
// takes over "@mozilla.org/prompter;1", and the token look-up and login.
// Each is the body of an async function whose `args` are the command's
// arguments; the token scripts start with kGuardState and kFindToken.
//
// Checked against Firefox ESR 153: nsIPKCS11ModuleDB.listModules() is async
// and modules have `slots` (chrome://pippki/content/device_manager.js);
// nsIPKCS11Token has login(force), logout(), isLoggedIn, tokenName,
// tokenSerialNumber, but no checkPassword (gone with nsIPK11Token).
#pragma once

namespace tessera::testing::firefox_scripts {

// The token whose tokenName or serial is args[0]; args[1] is the PIN. Answers {error: "not-found",
// seen}, or {loggedIn, asked, error}. nsIPKCS11ModuleDB.listModules() is async since Firefox 1xx
// (see chrome://pippki/content/device_manager.js); modules have `slots`.
inline constexpr char kFindToken[] = R"js(
const [wanted, pin] = args;
const db = Cc["@mozilla.org/security/pkcs11moduledb;1"].getService(Ci.nsIPKCS11ModuleDB);
const seen = [];
let token = null;
for (const m of await db.listModules()) {
  for (const s of m.slots) {
    let t = null;
    try { t = s.getToken(); } catch (e) { continue; }
    seen.push(t.tokenName + " (serial " + t.tokenSerialNumber.trim() + ")");
    if (t.tokenName === wanted || t.tokenSerialNumber.trim() === wanted) token = t;
  }
}
if (!token) return {error: "not-found", seen};
)js";

inline constexpr char kIsLoggedIn[] = "return {loggedIn: token.isLoggedIn};";

// The PIN guard, put in place once per Firefox. PSM asks for a token's PIN
// through the window watcher's prompter ("@mozilla.org/prompter;1", an
// nsIPromptFactory whose nsIPrompt.promptPassword shows the dialog). The
// guard takes that contract over: everything is the original prompter's but
// promptPassword, which gives the PIN that LoginToken set, once, and cancels
// every other request (headless, the real dialog would never close and
// the page load would hang). It keeps what was asked in `state.prompts`.
inline constexpr char kInstallPinGuard[] = R"js(
const registrar = Components.manager.QueryInterface(Ci.nsIComponentRegistrar);
const contract = "@mozilla.org/prompter;1";
const original = Cc[contract].getService(Ci.nsIPromptService).QueryInterface(Ci.nsIPromptFactory);
const state = {pin: null, answered: 0, prompts: []};
const wrap = (inner) => {
  const p = {
    QueryInterface: ChromeUtils.generateQI(["nsIPrompt"]),
    promptPassword(title, text, password) {
      const answer = state.pin !== null && state.answered === 0;
      state.prompts.push({text, answered: answer, login: state.pin !== null});
      if (!answer) return false;
      state.answered += 1;
      password.value = state.pin;
      return true;
    },
  };
  for (const name in inner) {
    if (!(name in p) && typeof inner[name] === "function") p[name] = (...a) => inner[name](...a);
  }
  return p;
};
const guard = {
  state,
  QueryInterface: ChromeUtils.generateQI(["nsIFactory", "nsIPromptFactory", "nsIPromptService"]),
  createInstance(iid) { return this.QueryInterface(iid); },
  getPrompt(win, iid) {
    const inner = original.getPrompt(win, iid);
    return iid.equals(Ci.nsIPrompt) ? wrap(inner) : inner;
  },
};
for (const name in original) {
  if (!(name in guard) && typeof original[name] === "function") {
    guard[name] = (...a) => original[name](...a);
  }
}
guard.wrappedJSObject = guard;
registrar.registerFactory(Services.uuid.generateUUID(), "Tessera test PIN guard", contract, guard);
return Cc[contract].getService().wrappedJSObject === guard;
)js";

// The guard's state, for the scripts below.
inline constexpr char kGuardState[] =
    "const state = Cc['@mozilla.org/prompter;1'].getService().wrappedJSObject.state;\n";

// NSS calls back again after a refused PIN (pk11_DoPassword's retry): the
// guard cancels that second request, so a wrong PIN costs one try.
inline constexpr char kLogin[] = R"js(
if (token.isLoggedIn) return {loggedIn: true, asked: 0};
const before = state.prompts.length;
state.pin = pin;
state.answered = 0;
let error = null;
try {
  token.login(false);
} catch (e) {
  error = String(e);
} finally {
  state.pin = null;
}
return {loggedIn: token.isLoggedIn, asked: state.prompts.length - before, error};
)js";

inline constexpr char kRefusedPrompts[] =
    "return state.prompts.filter((p) => !p.login).map((p) => p.text);";

}  // namespace tessera::testing::firefox_scripts
