# parasite/: compel's parasite blob and remote code. Owned by compel. Products: parasite.bin (flat
# blob), parasite.desc (size, entry offsets, relocations) and remote-code.bin (syscall; int3 and
# the batch interpreter, see remote-code.S), resources of jcriu-native-asm.
# fragments are included before the top Makefile's "all": keep it the default goal
.DEFAULT_GOAL := all

PARASITE_BUILD := $(GEN)/../parasite-build
PARASITE_CFLAGS := -O2 -ffreestanding -fPIE -nostdlib -fno-stack-protector -fno-builtin \
	-mgeneral-regs-only -mno-red-zone -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -fno-jump-tables -fvisibility=hidden -Wall -Wextra -I$(GEN) -Iparasite

PRODUCTS += $(RES)/parasite.bin $(RES)/parasite.desc $(RES)/remote-code.bin

$(PARASITE_BUILD):
	mkdir -p $@

$(PARASITE_BUILD)/%.o: parasite/%.c parasite/protocol.h $(GEN)/syscalls.h | $(PARASITE_BUILD)
	$(CC) $(PARASITE_CFLAGS) -c -o $@ $<

$(PARASITE_BUILD)/%.o: parasite/%.S | $(PARASITE_BUILD)
	$(CC) $(PARASITE_CFLAGS) -c -o $@ $<

$(PARASITE_BUILD)/parasite.elf: parasite/parasite.lds $(PARASITE_BUILD)/entry.o $(PARASITE_BUILD)/parasite.o
	$(LD) -nostdlib -static --emit-relocs --build-id=none --no-warn-rwx-segments -T parasite/parasite.lds -o $@ \
		$(PARASITE_BUILD)/entry.o $(PARASITE_BUILD)/parasite.o

$(RES)/parasite.bin: $(PARASITE_BUILD)/parasite.elf | $(RES)
	objcopy -O binary -j .parasite $< $@

$(RES)/parasite.desc: $(PARASITE_BUILD)/parasite.elf $(RES)/parasite.bin parasite/pack.sh | $(RES)
	sh parasite/pack.sh $< $(RES)/parasite.bin $@

$(RES)/remote-code.bin: $(PARASITE_BUILD)/remote-code.o | $(RES)
	objcopy -O binary -j .text $< $@
