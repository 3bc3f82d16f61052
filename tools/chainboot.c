/*
 * chainboot: sends a kernel to the resident chainloader (chainload/) over
 * a serial line, then shows what the board prints.
 *
 *   chainboot PORT IMAGE [--wait=S]
 *                               PORT: a serial device (/dev/ttyUSB0), or a
 *                               Unix socket (QEMU's -serial unix:...);
 *                               S: seconds to wait for the loader's first
 *                               answer (default 300: the user starts this,
 *                               then powers the board on or resets it; the
 *                               firmware alone takes seconds to reach the
 *                               loader, more on a Pi 4's EEPROM boot), and
 *                               at least as long for its answer after the
 *                               transfer. It says that it waits, every 30 s.
 *
 * Exits 0 when the line closes after a successful transfer (QEMU ended),
 * 1 on any error, with a message saying which: no such port, no answer
 * from a loader, a kernel too large, a corrupted transfer. The protocol is
 * described in chainload/loader.c. --slow-line-for-test sends two more
 * nudges after the loader's answer, as a slow line delivers those that were
 * in flight when it answered. --corrupt-for-test sends one wrong byte
 * (the CRC of the right ones): the loader must refuse it.
 */
#include <chainload/crc32.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *port;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "chainboot: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static int open_port(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		die("%s: no such port (is the USB-serial adapter plugged in? PORT=...)", path);
	if (S_ISSOCK(st.st_mode)) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			die("%s: cannot connect to the socket", path);
		return fd;
	}
	int fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0)
		die("%s: cannot open it (permissions? the dialout group)", path);
	struct termios t;
	if (tcgetattr(fd, &t) == 0) { /* a real serial line: 115200 8N1, raw */
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cflag &= ~(CSTOPB | CRTSCTS);
		tcsetattr(fd, TCSANOW, &t);
		tcflush(fd, TCIOFLUSH);
	}
	return fd;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("%s: the line closed while sending", port);
		b += w;
		n -= (size_t)w;
	}
}

/*
 * Waits up to `secs` for one of the loader's 4-byte answers ("GMxx"),
 * passing anything else through to stderr (the loader's banner). Sends
 * `nudge` every 200 ms meanwhile, if given. Returns the answer's code.
 */
static char answer(int fd, double secs, const char *nudge)
{
	double start = now(), end = start + secs, next = 0, remind = start + 30;
	char win[4];
	int nwin = 0;
	for (;;) {
		double t = now();
		if (t >= end)
			return 0;
		if (nudge && t >= next) {
			put(fd, nudge, 4);
			next = t + 0.2;
		}
		if (nudge && t >= remind) {
			fprintf(stderr, "chainboot: still waiting for the board (%.0f s of %g)\n",
				t - start, secs);
			remind = t + 30;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 50) <= 0)
			continue;
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r <= 0)
			die("%s: the line closed (the loader is gone)", port);
		if (nwin == 4) { /* the oldest byte is no answer: pass it on */
			fputc(win[0], stderr);
			memmove(win, win + 1, 3);
			nwin = 3;
		}
		win[nwin++] = c;
		if (nwin == 4 && win[0] == 'G' && win[1] == 'M' &&
		    (win[2] == 'O' || win[2] == 'S' || win[2] == 'C'))
			return win[2];
	}
}

int main(int argc, char **argv)
{
	int corrupt = 0, slow = 0, bad = argc < 3;
	double wait = 300;
	for (int i = 3; i < argc; i++) {
		char *end = "";
		if (!strcmp(argv[i], "--corrupt-for-test"))
			corrupt = 1;
		else if (!strcmp(argv[i], "--slow-line-for-test"))
			slow = 1;
		else if (strncmp(argv[i], "--wait=", 7) || (wait = strtod(argv[i] + 7, &end)) <= 0 ||
			 *end)
			bad = 1;
	}
	if (bad) {
		fprintf(stderr, "usage: chainboot PORT IMAGE [--wait=SECONDS]\n");
		return 1;
	}
	port = argv[1];
	FILE *f = fopen(argv[2], "rb");
	if (!f)
		die("%s: cannot read the kernel image", argv[2]);
	static uint8_t img[64 << 20];
	size_t n = fread(img, 1, sizeof(img), f);
	fclose(f);
	if (n == 0 || n == sizeof(img))
		die("%s: empty, or larger than 64 MiB", argv[2]);

	int fd = open_port(port);
	fprintf(stderr, "chainboot: waiting up to %g s for the board's chainloader on %s: power the "
		"board on or reset it now (Ctrl-C stops)\n", wait, port);
	if (answer(fd, wait, "GMCB") != 'O') {
		fprintf(stderr, "chainboot: %s: no answer from a chainloader within %g s (a card made "
			"with `make sdimage CHAINLOADER=1`, the board powered on?)\n", port, wait);
		return 1;
	}
	if (slow) /* two nudges that were still in flight when the answer came */
		put(fd, "GMCBGMCB", 8);
	uint32_t hdr[2] = {(uint32_t)n, crc32(img, n)};
	if (corrupt)
		img[n / 2] ^= 0x5a;
	fprintf(stderr, "chainboot: sending %s (%zu bytes) to %s\n", argv[2], n, port);
	put(fd, hdr, sizeof(hdr));
	put(fd, img, n);
	double xfer = 10 + n / 5000.0; /* 115200 baud: ~11 KB/s */
	char a = answer(fd, xfer > wait ? xfer : wait, 0);
	if (a == 'S')
		die("%s: the loader refused the size (over its limit)", argv[2]);
	if (a == 'C')
		die("%s: the kernel arrived corrupted (CRC mismatch); try again", port);
	if (a != 'O')
		die("%s: no confirmation from the loader after the transfer", port);
	fprintf(stderr, "chainboot: running it; the board's output follows\n");
	char buf[4096];
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)r, stdout), fflush(stdout);
	return 0;
}
