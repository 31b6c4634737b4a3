// Kernel-style C that several tests put into their throwaway trees.

/** A BUS_NOTIFY_ADD_DEVICE notifier that sets the ops: set-dma-ops-outside-setup-teardown at 7:2. */
export const NOTIFIER = `static int hb_notifier(struct notifier_block *nb, unsigned long event, void *data)
{
	struct device *dev = data;

	if (event != BUS_NOTIFY_ADD_DEVICE)
		return NOTIFY_DONE;
	set_dma_ops(dev, &arm_coherent_dma_ops);
	return NOTIFY_OK;
}

static struct notifier_block hb_nb = {
	.notifier_call = hb_notifier,
};
`;

/** An IOMMU driver that attaches from add_device (attach-before-setup at 5:9) and detaches symmetrically. */
export const FOO_IOMMU = `#include <linux/device.h>

static int foo_add_device(struct device *dev)
{
	return arm_iommu_attach_device(dev, foo_mapping);
}

static void foo_remove_device(struct device *dev)
{
	arm_iommu_detach_device(dev);
}

static const struct iommu_ops foo_ops = {
	.add_device = foo_add_device,
	.remove_device = foo_remove_device,
};
`;
