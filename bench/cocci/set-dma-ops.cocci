// dmalint baseline, check 1 (rule set-dma-ops-outside-setup-teardown):
// a write to the dma_ops of a struct device -- set_dma_ops(E, ...), E->dma_ops = ...,
// E.dma_ops = ... -- in any function other than arch_setup_dma_ops/arch_teardown_dma_ops.
//
// Approximations:
// - Coccinelle matches one function at a time and cannot follow calls, so helpers reached
//   only from the setup/teardown pair (dmalint's interprocedural reachability) are
//   reported too, and exported functions get no special treatment.
// - set_dma_ops's first argument is a struct device * by its prototype, so any
//   expression is accepted there. The assignment forms use typed metavariables: they only
//   match where Coccinelle can infer that the left operand is a struct device. Without
//   include files (the default) that works for locals and parameters declared as
//   struct device (dev->dma_ops), not for members of structures declared in headers
//   (pdev->dev.dma_ops); --all-includes/--recursive-includes with -I include and
//   --include-headers-for-types find more, at a cost in time.
// - Calls hidden in macros are not seen.
//
// set_dma_ops itself (include/linux/dma-map-ops.h, seen when headers are parsed) is the
// primitive, not a finding, so it is excluded as well.
//
// Two steps: rule w collects every write (all positions), rule f keeps those inside a
// function that is not in the pair. (A single `fn(...) { <+... X@p ...+> }` rule binds
// only one occurrence per function in match-only mode.)
//
// Usage: spatch --sp-file set-dma-ops.cocci -D report --dir TREE -j 2 --very-quiet
// Output: file:line: set-dma-ops: <function>: dma_ops written outside ...

virtual report

@w depends on report@
expression E, O;
struct device *D;
struct device S;
position p;
@@
(
set_dma_ops@p(E, O)
|
D->dma_ops@p = O
|
S.dma_ops@p = O
)

@f depends on report@
position w.p;
identifier fn != {arch_setup_dma_ops, arch_teardown_dma_ops, set_dma_ops};
expression E, O;
position q;
@@
fn@q(...) {
<+...
(
set_dma_ops@p(...)
|
E->dma_ops@p = O
|
E.dma_ops@p = O
)
...+>
}

@script:python depends on report@
p << w.p;
fn << f.fn;
q << f.q;
@@
print("%s:%s: set-dma-ops: %s: dma_ops written outside arch_setup_dma_ops/arch_teardown_dma_ops" % (p[0].file, p[0].line, fn))
