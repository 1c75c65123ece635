package accountkit

/*
#include <stdint.h>
#include <accountkit/accountkit.h>

extern void goAkLog(uintptr_t handle, int level, char *message);

static void ak_go_log(void *user_data, ak_log_level level, const char *message) {
  goAkLog((uintptr_t)user_data, (int)level, (char *)message);
}

static ak_status ak_go_set_log(ak_client *c, int min_level, uintptr_t handle, ak_error **err) {
  return ak_client_set_log_callback(c, (ak_log_level)min_level, handle ? ak_go_log : NULL, (void *)handle, err);
}
*/
import "C"

import "runtime/cgo"

// LogLevel is a log line's level (the numbers of Python's logging module).
type LogLevel int

// Log levels.
const (
	LogDebug   LogLevel = C.AK_LOG_DEBUG
	LogInfo    LogLevel = C.AK_LOG_INFO
	LogWarning LogLevel = C.AK_LOG_WARNING
	LogError   LogLevel = C.AK_LOG_ERROR
)

// Logger receives the client's log lines (secrets already replaced by
// "***"). It may be called from several goroutines at once and must not call
// back into the client.
type Logger func(level LogLevel, message string)

// WithLogger sends the client's log lines at minLevel and above to fn.
func WithLogger(minLevel LogLevel, fn Logger) Option {
	return func(c *clientConfig) { c.logger, c.logLevel = fn, minLevel }
}

//export goAkLog
func goAkLog(handle C.uintptr_t, level C.int, message *C.char) {
	fn := cgo.Handle(handle).Value().(Logger)
	fn(LogLevel(level), C.GoString(message))
}

// setLogger installs fn on h; the returned handle must be deleted after the
// C client is freed.
func setLogger(h *C.ak_client, min LogLevel, fn Logger) (cgo.Handle, error) {
	hd := cgo.NewHandle(fn)
	var cerr *C.ak_error
	if st := C.ak_go_set_log(h, C.int(min), C.uintptr_t(hd), &cerr); st != C.AK_OK {
		hd.Delete()
		return 0, takeError(st, cerr)
	}
	return hd, nil
}
