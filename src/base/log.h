#ifndef OS_BASE_LOG_H
#define OS_BASE_LOG_H

enum os_log_level { OS_LOG_ERR, OS_LOG_WARN, OS_LOG_INFO, OS_LOG_DEBUG };

/* Messages at or below this level are written to stderr. Default: INFO. */
void os_log_set_level(enum os_log_level level);

void os_log(enum os_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define os_err(...)   os_log(OS_LOG_ERR, __VA_ARGS__)
#define os_warn(...)  os_log(OS_LOG_WARN, __VA_ARGS__)
#define os_info(...)  os_log(OS_LOG_INFO, __VA_ARGS__)
#define os_debug(...) os_log(OS_LOG_DEBUG, __VA_ARGS__)

#endif
