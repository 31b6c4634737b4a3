# dmalint for a kernel tree, the way coccicheck is run: from the top of the tree,
#
#   make -f /path/to/dmalint/scripts/dmalint.mk [M=drivers/iommu] [SINCE=origin/master]
#                                               [FORMAT=sarif] [OUT=dmalint.sarif]
#
# M limits the report to a directory (the whole tree is still analyzed), SINCE reports
# only what the changes since that revision introduce or fix, FORMAT and OUT choose the
# report. Exit status as dmalint's: 0 nothing new, 1 findings, 2 a usage error.
# The kernel's own Makefile is not involved, so no configured build tree is needed.

DMALINT ?= npx dmalint
M ?= .

dmalint:
	$(DMALINT) --root $(CURDIR) $(if $(SINCE),--since $(SINCE)) $(if $(FORMAT),--format $(FORMAT)) $(if $(OUT),--output $(OUT)) $(M)

.PHONY: dmalint
