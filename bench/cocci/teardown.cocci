// dmalint baseline, check 3 (rule asymmetric-teardown), a crude approximation:
// every call that clears ops or detaches/drops a mapping -- set_dma_ops(E, NULL),
// arm_iommu_detach_device, iommu_detach_device, arm_iommu_release_mapping -- made
// directly inside a teardown: arch_teardown_dma_ops, arm_teardown_iommu_dma_ops, or a
// function an initializer binds as .remove_device or .release_device.
//
// Coccinelle cannot compare a teardown with its setup (what the setup installed, whether
// it recorded ownership such as dev->archdata.dma_ops_setup) nor follow calls, so this
// lists the candidate undo operations for a human (or dmalint) to judge. The binding and
// the function must be in the same file; the struct type of the initializer is not checked.
//
// Usage: spatch --sp-file teardown.cocci -D report --dir TREE -j 2 --very-quiet
// Output: file:line: teardown: <function>[ (.<field>)]: undo call in ...

virtual report

// Functions bound as .remove_device / .release_device in an initializer.
@rb depends on report@
identifier T, i, fn;
identifier fld = {remove_device, release_device};
@@
struct T i = { ..., .fld = fn, ... };

// Every undo call site (collected first, so that all of them are kept: see
// set-dma-ops.cocci).
// (The callees are spelled out rather than put in an `identifier f = {...}` list: spatch
// selects the files to parse from the literal identifiers the rules need; with the list
// form a full-tree run was still going after 85 s, spelled out it takes 5-8 s.)
@u depends on report@
expression E;
position p;
@@
(
set_dma_ops@p(E, NULL)
|
arm_iommu_detach_device@p(...)
|
iommu_detach_device@p(...)
|
arm_iommu_release_mapping@p(...)
)

@t1 depends on report@
identifier fn = {arch_teardown_dma_ops, arm_teardown_iommu_dma_ops};
position u.p;
position q;
@@
fn@q(...) {
<+...
(
set_dma_ops@p(...)
|
arm_iommu_detach_device@p(...)
|
iommu_detach_device@p(...)
|
arm_iommu_release_mapping@p(...)
)
...+>
}

@t2 depends on report@
identifier rb.fn;
position u.p;
position q;
@@
fn@q(...) {
<+...
(
set_dma_ops@p(...)
|
arm_iommu_detach_device@p(...)
|
iommu_detach_device@p(...)
|
arm_iommu_release_mapping@p(...)
)
...+>
}

@script:python depends on report@
p << u.p;
fn << t1.fn;
q << t1.q;
@@
print("%s:%s: teardown: %s: undo call in the arch teardown" % (p[0].file, p[0].line, fn))

@script:python depends on report@
p << u.p;
fn << rb.fn;
fld << rb.fld;
q << t2.q;
@@
print("%s:%s: teardown: %s (.%s): undo call in a device-removal callback" % (p[0].file, p[0].line, fn, fld))
