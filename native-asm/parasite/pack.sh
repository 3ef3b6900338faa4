#!/bin/sh
# pack.sh ELF BIN DESC: check that the linked parasite is one flat position independent section
# and write its descriptor: size, exported entry offsets, and the offsets of 64-bit absolute
# words to which the load address must be added.
set -e
elf=$1 bin=$2 desc=$3
sections=$(readelf -SW "$elf" | sed -n 's/^ *\[ *[0-9]*\] *//p' | awk '$7 ~ /A/ {print $1}' | tr '\n' ' ')
if [ "$sections" != ".parasite " ]; then
	echo "pack.sh: unexpected allocated sections: $sections" >&2
	exit 1
fi
bad=$(readelf -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_X86_64_/ && $3 !~ /^R_X86_64_(PC32|PLT32|64|GOTPCRELX|REX_GOTPCRELX|PC64)$/ {print $3}' | sort -u | tr '\n' ' ')
if [ -n "$bad" ]; then
	echo "pack.sh: relocations the loader cannot apply: $bad" >&2
	exit 1
fi
{
	echo "# compel parasite descriptor: size, entry NAME OFFSET, reloc OFFSET (hex)"
	echo "size $(stat -c %s "$bin")"
	nm -g --defined-only "$elf" | awk '{print "entry", $3, $1}'
	readelf -rW "$elf" | awk '/^[0-9a-f]+ +[0-9a-f]+ +R_X86_64_64 / {print "reloc", $1}'
} > "$desc"
