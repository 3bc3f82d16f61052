/*
 * The system calls newlib is built without (--disable-newlib-supplied-
 * syscalls): the console is the board's UART, the heap is the RAM after
 * the kernel image, exit stops the system. There is no file system.
 */
#include <kernel/generic_timer.h>
#include <errno.h>
#include <rt/console.h>
#include <kernel/mem.h>
#include <kernel/panic.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>

void *_sbrk(ptrdiff_t incr)
{
	void *p = mem_sbrk(incr);
	if (p == (void *)-1)
		errno = ENOMEM;
	return p;
}

int _write(int fd, const char *buf, int len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	console_write(buf, (size_t)len);
	return len;
}

/* stdin is the console: parks the task until a byte is there
 * (rt/console.c), as a read of a terminal blocks the thread. */
int _read(int fd, char *buf, int len)
{
	if (fd != 0) {
		errno = EBADF;
		return -1;
	}
	return len <= 0 ? 0 : (int)console_read_line(buf, (size_t)len);
}

void _exit(int status)
{
	system_stop(status);
}

int _close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	if (fd < 0 || fd > 2) {
		errno = EBADF;
		return -1;
	}
	st->st_mode = S_IFCHR; /* a terminal: stdout is line-buffered */
	return 0;
}

int _isatty(int fd) { return fd >= 0 && fd <= 2; }

int _lseek(int fd, int off, int whence)
{
	(void)fd, (void)off, (void)whence;
	errno = ESPIPE;
	return -1;
}

int _open(const char *path, int flags, int mode)
{
	(void)path, (void)flags, (void)mode;
	errno = ENOENT;
	return -1;
}

int _getpid(void) { return 1; }

int _kill(int pid, int sig)
{
	(void)pid;
	panic("signal %d raised (abort?)", sig);
}

int _gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	uint64_t ns = timer_ns();
	tv->tv_sec = (time_t)(ns / 1000000000u);
	tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
	return 0;
}

clock_t _times(struct tms *t)
{
	(void)t;
	errno = ENOSYS;
	return (clock_t)-1;
}

int _link(const char *a, const char *b)
{
	(void)a, (void)b;
	errno = EMLINK;
	return -1;
}

int _unlink(const char *p)
{
	(void)p;
	errno = ENOENT;
	return -1;
}

int _stat(const char *p, struct stat *st)
{
	(void)p, (void)st;
	errno = ENOENT;
	return -1;
}

/* newlib's assert() ends here: make it a panic that names the check. */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
	panic("assertion failed: %s (%s:%d, %s)", expr, file, line, func ? func : "?");
}
