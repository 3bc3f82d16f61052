/* The interrupt controllers drivers/irq/ provides (kernel/irqchip.h); the
 * board or the device tree picks one (rt/platform.c, boards/). */
#pragma once
#include <kernel/irqchip.h>

extern const struct irqchip gicv2_irqchip, gicv3_irqchip, bcm2836_irqchip;
