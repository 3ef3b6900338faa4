# restorer/: the restore stub (static, freestanding): maps the area compel's remote code will run
# from into the first restored task. Owned by restore.
RESTORER_CFLAGS := -Os -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
	-fno-asynchronous-unwind-tables -Wall -Wextra -I$(GEN) -Wl,--build-id=none -Wl,-z,noexecstack

PRODUCTS += $(RES)/jcriu-restorer

$(RES)/jcriu-restorer: restorer/stub.c $(GEN)/syscalls.h | $(RES)
	$(CC) $(RESTORER_CFLAGS) -o $@ restorer/stub.c
	chmod 755 $@
