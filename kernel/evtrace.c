/*
 * The event rings of kernel/evtrace.h, and their dump, in EVTRACE kernels.
 *
 * Dump format (little-endian), read by tools/evtrace.py:
 *   "GMTRACE1", u32 cores, u32 event size (24), u64 counter frequency,
 *   then per core: u64 events recorded, u64 events kept, the kept events
 *   oldest first ({u64 time, u32 kind, u32 a, u64 b}); then the wait
 *   reasons the EV_WAIT events point at: u32 count, and each as u64
 *   address, u32 length, its bytes.
 * It goes to the host file named by the boot argument evtrace= through
 * semihosting; without a host (a Pi), over the console as base64 lines
 * "evtrace: <...>" between "evtrace: begin <bytes>" and "evtrace: end",
 * which tools/evtrace.py --console turns back into the same bytes.
 */
#ifdef EVTRACE
#include <kernel/cmdline.h>
#include <kernel/config.h>
#include <kernel/evtrace.h>
#include <kernel/generic_timer.h>
#include <kernel/mem.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/semihost.h>
#include <kernel/sysreg.h>
#include <stddef.h>

#define RING (1u << 14)	/* events per core: 384 KiB */

struct ev {
	uint64_t t;
	uint32_t kind, a;
	uint64_t b;
};

/* Each core writes only its own ring (head counts every event recorded). */
struct ring {
	uint64_t head;
	struct ev ev[RING];
};

/* Allocated for the cores online (evtrace_init): a static array for
 * NCPU_MAX (128) cores would be 48 MiB of .bss on every board. Events
 * before that (the boot) are not recorded. */
static struct ring *rings[NCPU_MAX];

void evtrace_init(int ncpu)
{
	size_t pages = (sizeof(struct ring) + PAGE_SIZE - 1) / PAGE_SIZE;
	for (int i = 0; i < ncpu; i++) {
		struct ring *r = mem_pages(pages);
		if (!r) {
			kprintf("evtrace: no memory for core %d's ring: not traced\n", i);
			continue;
		}
		r->head = 0;
		__atomic_store_n(&rings[i], r, __ATOMIC_RELEASE);
	}
}

/* Set once the dump begins: a core that never stopped (interrupts masked
 * when the stop IPI came) records nothing more, and a fault in the dump
 * does not dump again. */
static int frozen;

void evtrace_rec(unsigned kind, uint32_t a, uint64_t b)
{
	if (__atomic_load_n(&frozen, __ATOMIC_ACQUIRE))
		return;
	uint64_t f = irq_save(); /* one event at a time on this core */
	struct ring *r = rings[this_cpu()->id];
	if (!r) {
		irq_restore(f);
		return;
	}
	struct ev *e = &r->ev[r->head & (RING - 1)];
	e->t = timer_count_fast();
	e->kind = kind;
	e->a = a;
	e->b = b;
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE); /* the event, then the count */
	irq_restore(f);
}

/* --- the dump: a sink that is a host file or the console --- */

static int fd = -1;
static uint64_t heads[NCPU_MAX];	/* each ring's head, taken once as the dump begins */
static unsigned char pend[3];	/* console: bytes waiting for a base64 triple */
static int npend, col;
static char line[80];

static void b64_flush_line(void)
{
	if (col) {
		line[col++] = '\n';
		console_write("evtrace: ", 9);
		console_write(line, (size_t)col);
		col = 0;
	}
}

static void b64_triple(const unsigned char *p, int n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t v = (uint32_t)p[0] << 16 | (n > 1 ? (uint32_t)p[1] << 8 : 0) | (n > 2 ? p[2] : 0);
	line[col++] = a[v >> 18 & 63];
	line[col++] = a[v >> 12 & 63];
	line[col++] = n > 1 ? a[v >> 6 & 63] : '=';
	line[col++] = n > 2 ? a[v & 63] : '=';
	if (col >= 76)
		b64_flush_line();
}

/* The host file is written 4 KiB at a time (one semihosting trap each). */
static unsigned char fbuf[4096];
static size_t fbuf_n;
static int fbad;	/* a write fell short: the file is incomplete */

static void fflush_out(void)
{
	if (fbuf_n && semihost_write(fd, fbuf, fbuf_n) != 0)
		fbad = 1;
	fbuf_n = 0;
}

static void out(const void *buf, size_t n)
{
	if (fd >= 0) {
		for (const unsigned char *p = buf; n; n--) {
			fbuf[fbuf_n++] = *p++;
			if (fbuf_n == sizeof(fbuf))
				fflush_out();
		}
		return;
	}
	for (const unsigned char *p = buf; n; n--) {
		pend[npend++] = *p++;
		if (npend == 3) {
			b64_triple(pend, 3);
			npend = 0;
		}
	}
}

static void out64(uint64_t v)
{
	out(&v, 8);
}

/* The distinct wait reasons that EV_WAIT events name (kernel strings). */
#define NREASONS 64
static uint64_t reasons[NREASONS];
static int nreasons;

static void collect_reasons(int ncpu)
{
	nreasons = 0;
	for (int i = 0; i < ncpu; i++) {
		struct ring *r = rings[i];
		uint64_t h = heads[i], kept = h < RING ? h : RING;
		for (uint64_t k = h - kept; r && k < h; k++) {
			struct ev *e = &r->ev[k & (RING - 1)];
			int j = 0;
			if (e->kind != EV_WAIT || !e->b)
				continue;
			while (j < nreasons && reasons[j] != e->b)
				j++;
			if (j == nreasons && nreasons < NREASONS)
				reasons[nreasons++] = e->b;
		}
	}
}

static uint32_t slen(const char *s)
{
	uint32_t n = 0;
	while (s[n] && n < 64)
		n++;
	return n;
}

static uint64_t dump_size(int ncpu)
{
	uint64_t n = 24 + 4;
	for (int i = 0; i < nreasons; i++)
		n += 12 + slen((const char *)(uintptr_t)reasons[i]);
	for (int i = 0; i < ncpu; i++) {
		uint64_t h = heads[i];
		n += 16 + (h < RING ? h : RING) * sizeof(struct ev);
	}
	return n;
}

/* One whole dump to the sink chosen (fd >= 0: the host file, else the console). */
static uint64_t dump_to(int ncpu)
{
	out("GMTRACE1", 8);
	uint32_t hdr[2] = {(uint32_t)ncpu, sizeof(struct ev)};
	out(hdr, 8);
	out64(timer_freq());
	uint64_t lost = 0;
	for (int i = 0; i < ncpu; i++) {
		struct ring *r = rings[i];
		uint64_t h = heads[i], kept = h < RING ? h : RING;
		lost += h - kept;
		out64(h);
		out64(kept);
		for (uint64_t k = h - kept; k < h; k++)
			out(&r->ev[k & (RING - 1)], sizeof(struct ev));
	}
	uint32_t n = (uint32_t)nreasons;
	out(&n, 4);
	for (int i = 0; i < nreasons; i++) {
		const char *s = (const char *)(uintptr_t)reasons[i];
		uint32_t len = slen(s);
		out64(reasons[i]);
		out(&len, 4);
		out(s, len);
	}
	return lost;
}

/* evtrace=<host file> (semihosting); without one, or without a host, or
 * if the host's file cannot take it all, the console. evtrace=off: no
 * dump. evtrace_echo=1: the console too (tests compare the two). */
void evtrace_dump(void)
{
	if (__atomic_exchange_n(&frozen, 1, __ATOMIC_ACQ_REL))
		return; /* a fault in the dump came back here: once is enough */
	int ncpu = 0;
	for (int i = 0; i < NCPU_MAX; i++)
		if (__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE)) {
			ncpu = i + 1;
			/* The acquire pairs with the stopped core's last release
			 * (it stopped, or it saw frozen: nothing after either). */
			heads[i] = rings[i] ? __atomic_load_n(&rings[i]->head, __ATOMIC_ACQUIRE) : 0;
		}
	const char *path = cmdline_get("evtrace");
	char file[128] = "";
	size_t len = 0;
	while (path && path[len])
		len++;
	if (len == 3 && path[0] == 'o' && path[1] == 'f' && path[2] == 'f')
		return;
	if (len >= sizeof(file))
		kprintf("evtrace: the file name is over %d bytes: the dump goes to the console\n",
			(int)sizeof(file) - 1);
	else
		for (size_t i = 0; i < len; i++)
			file[i] = path[i];
	collect_reasons(ncpu);
	fd = file[0] ? semihost_open_write(file) : -1;
	uint64_t lost = 0;
	if (fd >= 0) {
		lost = dump_to(ncpu);
		fflush_out();
		semihost_close(fd);
		fd = -1;
		if (fbad)
			kprintf("evtrace: %s: the host took only part of it: the dump follows here\n", file);
		else
			kprintf("evtrace: %s written, %llu events lost to full rings\n", file,
				(unsigned long long)lost);
		if (!fbad && !cmdline_int("evtrace_echo", 0))
			return;
	}
	kprintf("\nevtrace: begin %llu\n", (unsigned long long)dump_size(ncpu));
	lost = dump_to(ncpu);
	if (npend)
		b64_triple(pend, npend);
	b64_flush_line();
	kprintf("evtrace: end, %llu events lost to full rings\n", (unsigned long long)lost);
}
#endif
