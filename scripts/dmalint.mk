# dmalint for a kernel tree, the way coccicheck is run: from the top of the tree,
#
#   make -f /path/to/dmalint/scripts/dmalint.mk [M=drivers/iommu] [SINCE=origin/master]
#                                               [FORMAT=sarif] [OUT=dmalint.sarif]
#
# M limits the report to a directory (the whole tree is still analyzed), SINCE reports
# only what the changes since that revision introduce or fix, FORMAT and OUT choose the
# report. make exits 0 when dmalint does, and 2 otherwise (make's own status for a failed
# recipe); its "Error N" line gives dmalint's status: 1 findings, 2 a usage error, 4 files
# not analyzed. The kernel's own Makefile is not involved, so no configured build tree is
# needed. DMALINT is the installed command (npm install --global /path/to/dmalint).

DMALINT ?= dmalint
M ?= .

dmalint:
	$(DMALINT) --root $(CURDIR) $(if $(SINCE),--since $(SINCE)) $(if $(FORMAT),--format $(FORMAT)) $(if $(OUT),--output $(OUT)) $(M)

.PHONY: dmalint
