/*
 * AArch64 system registers: one static inline accessor each, the only place
 * C code names them. Registers the assembler may not know by name (GICv3's
 * ICC_*) use their S<op0>_<op1>_C<n>_C<m>_<op2> encoding.
 */
#pragma once
#include <stdint.h>

#define SYSREG_RW(name, reg)                                                   \
	static inline uint64_t read_##name(void)                                \
	{                                                                       \
		uint64_t v;                                                     \
		__asm__ volatile("mrs %0, " #reg : "=r"(v));                    \
		return v;                                                       \
	}                                                                       \
	static inline void write_##name(uint64_t v)                             \
	{                                                                       \
		__asm__ volatile("msr " #reg ", %0" ::"r"(v) : "memory");       \
	}

SYSREG_RW(mpidr, mpidr_el1)
SYSREG_RW(tpidr_el1, tpidr_el1)
SYSREG_RW(tpidr_el0, tpidr_el0)
SYSREG_RW(daif, daif)
SYSREG_RW(fpcr, fpcr)
SYSREG_RW(fpsr, fpsr)
SYSREG_RW(esr, esr_el1)
SYSREG_RW(far, far_el1)
SYSREG_RW(elr, elr_el1)
SYSREG_RW(spsr, spsr_el1)
SYSREG_RW(sctlr, sctlr_el1)
SYSREG_RW(tcr, tcr_el1)
SYSREG_RW(mair, mair_el1)
SYSREG_RW(ttbr0, ttbr0_el1)
SYSREG_RW(vbar, vbar_el1)
SYSREG_RW(currentel, currentel)
SYSREG_RW(id_aa64mmfr0, id_aa64mmfr0_el1)
SYSREG_RW(id_aa64pfr0, id_aa64pfr0_el1)
SYSREG_RW(cntfrq, cntfrq_el0)
SYSREG_RW(cntvct, cntvct_el0)
SYSREG_RW(cntv_ctl, cntv_ctl_el0)
SYSREG_RW(cntv_cval, cntv_cval_el0)
SYSREG_RW(cntv_tval, cntv_tval_el0)
/* GICv3 CPU interface (system-register form) */
SYSREG_RW(icc_sre, S3_0_C12_C12_5)
SYSREG_RW(icc_pmr, S3_0_C4_C6_0)
SYSREG_RW(icc_bpr1, S3_0_C12_C12_3)
SYSREG_RW(icc_ctlr, S3_0_C12_C12_4)
SYSREG_RW(icc_igrpen1, S3_0_C12_C12_7)
SYSREG_RW(icc_iar1, S3_0_C12_C12_0)
SYSREG_RW(icc_eoir1, S3_0_C12_C12_1)
SYSREG_RW(icc_sgi1r, S3_0_C12_C11_5)

#define DAIF_I (1u << 7) /* IRQ masked, as read_daif() reports it */

/* ESR_ELx: the exception class, and for aborts the fault status code. */
#define ESR_EC(esr)	((unsigned)((esr) >> 26) & 0x3f)
#define ESR_FSC(esr)	((unsigned)(esr) & 0x3f)

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void sev(void) { __asm__ volatile("sev" ::: "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

/* Masks IRQs and returns the previous DAIF, for irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t f = read_daif();
	irq_disable();
	return f;
}
static inline void irq_restore(uint64_t f) { write_daif(f); }
static inline int irqs_enabled(void) { return !(read_daif() & DAIF_I); }

/* MPIDR's affinity fields in place (Aff3 at 39:32, Aff2..Aff0 at 23:0), the
 * form the device tree's cpu reg uses and the kernel keeps in cpus[].mpidr. */
static inline uint64_t mpidr_aff(uint64_t mpidr)
{
	return mpidr & 0xff00ffffffull;
}

/* The same fields packed as Aff3:Aff2:Aff1:Aff0 bytes (GICv3 GICR_TYPER). */
static inline uint64_t mpidr_packed(uint64_t mpidr)
{
	return (mpidr & 0xffffffull) | ((mpidr >> 8) & 0xff000000ull);
}

/* Data cache maintenance by VA over [p, p+len), lines of 64 bytes (A53/A72/A76). */
void dcache_clean_inval_range(const void *p, uint64_t len);
void dcache_inval_range(const void *p, uint64_t len);
