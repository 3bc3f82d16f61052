/*
 * kvsnprintf: the kernel's printf formatting, with no libc underneath, so
 * it works in interrupt handlers and panics (and natively in tests/host).
 */
#include <kernel/printk.h>
#include <stdint.h>

struct out {
	char *buf;
	size_t len, pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

/* v in `base`, padded to `width` with `pad` (left-justified if `left`). */
static void put_num(struct out *o, uint64_t v, unsigned base, int width, char pad, int left,
		    int neg, int upper)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int fill = width - n - neg;
	if (neg && pad == '0')
		put(o, '-');
	for (; !left && fill > 0; fill--)
		put(o, pad);
	if (neg && pad != '0')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	for (; fill > 0; fill--)
		put(o, ' ');
}

int kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = {buf, len, 0};
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, lng = 0, left = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*fmt == '-' ? (left = 1) : (pad = '0');
		if (left)
			pad = ' ';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z')
			lng++, fmt++;
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, left, v < 0, 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			put_num(&o, v, *fmt == 'u' ? 10 : 16, width, pad, left, 0, *fmt == 'X');
			break;
		}
		case 'p':
			put(&o, '0'), put(&o, 'x');
			put_num(&o, (uint64_t)va_arg(ap, void *), 16, width, pad, left, 0, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;
			for (const char *q = s ? s : "(null)"; *q; q++)
				n++;
			for (; !left && n < width; width--)
				put(&o, ' ');
			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			for (; n < width; width--)
				put(&o, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default: /* unknown: print it as written */
			put(&o, '%');
			if (*fmt)
				put(&o, *fmt);
			else
				fmt--;
		}
	}
	if (len)
		buf[o.pos < len ? o.pos : len - 1] = 0;
	return (int)o.pos;
}

int ksnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
