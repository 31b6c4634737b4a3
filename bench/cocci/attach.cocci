// dmalint baseline, check 2 (rule attach-before-setup):
// arm_iommu_attach_device() called directly inside a function that an initializer binds as
// .add_device, .probe_device or .probe_finalize (IOMMU driver callbacks: device-add and
// IOMMU-probe time, before arch setup), or as .notifier_call (bus notifiers). For
// notifiers the assignment form (nb.notifier_call = fn, nb->notifier_call = fn) counts too.
//
// Approximations:
// - no interprocedural reachability: a callback that reaches the attach through a helper
//   (ipmmu_probe_finalize -> ipmmu_init_arm_mapping in drivers/iommu/ipmmu-vmsa.c) is
//   missed;
// - a notifier is reported whatever event branch the call is on (dmalint only counts the
//   BUS_NOTIFY_ADD_DEVICE branch; BUS_NOTIFY_BOUND_DRIVER runs after probe);
// - the binding and the function must be in the same file (spatch works per file);
// - the struct type of the initializer is not checked, only the field name.
//
// Usage: spatch --sp-file attach.cocci -D report --dir TREE -j 2 --very-quiet
// Output: file:line: attach: <function> (.<field>): ...

virtual report

// Functions bound to a callback field in a (static, const, ...) initializer.
@cb depends on report@
identifier T, i, fn;
identifier fld = {add_device, probe_device, probe_finalize, notifier_call};
@@
struct T i = { ..., .fld = fn, ... };

// Notifier functions bound by assignment.
@cb2 depends on report@
identifier fn;
identifier fld = {notifier_call};
expression N;
@@
(
N.fld = fn
|
N->fld = fn
)

// Every call site (all of them: see set-dma-ops.cocci for why this is a separate rule).
@a depends on report@
position p;
@@
arm_iommu_attach_device@p(...)

@in1 depends on report@
identifier cb.fn;
position a.p;
position q;
@@
fn@q(...) {
<+...
arm_iommu_attach_device@p(...)
...+>
}

@in2 depends on report@
identifier cb2.fn;
position a.p;
position q;
@@
fn@q(...) {
<+...
arm_iommu_attach_device@p(...)
...+>
}

@script:python depends on report@
p << a.p;
fn << cb.fn;
fld << cb.fld;
q << in1.q;
@@
print("%s:%s: attach: %s (.%s): arm_iommu_attach_device before arch setup" % (p[0].file, p[0].line, fn, fld))

@script:python depends on report@
p << a.p;
fn << cb2.fn;
fld << cb2.fld;
q << in2.q;
@@
print("%s:%s: attach: %s (.%s, assigned): arm_iommu_attach_device before arch setup" % (p[0].file, p[0].line, fn, fld))
