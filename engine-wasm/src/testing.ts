/**
 * What a host (notebook kernel, conformance runner, tests) needs around the library: capturing output,
 * Python's print / show_error / repr / str, and the Python built-in exceptions lessons may raise.
 */

export {
  AssertionError,
  AttributeError,
  ImportError,
  IndexError,
  KeyError,
  ModuleNotFoundError,
  NotImplementedError,
  OverflowError,
  RuntimeError,
  RuntimeWarning,
  UserWarning,
  ValueError,
  Warning,
} from "./util/builtins.ts";
export {
  emit,
  type LogRecord,
  type OutputRecord,
  type OutputSink,
  type PrintRecord,
  setOutputSink,
} from "./util/output.ts";
export { pformat, pprint } from "./util/pprint.ts";
export { print, qualifiedErrorName, repr, show_error, str } from "./util/repr.ts";
export { sleepSync } from "./util/sleep.ts";
export {
  set_warning_location,
  type WarningLocation,
  WarningMessage,
  warnings,
} from "./util/warnings.ts";
