# User story: a Python 3 process holding about 200 MB in a dict.
# Run by story_python_dict (C) as its child: argv[1] is a sync fd to close
# once the dict is built. SIGTERM is blocked (inherited); it is taken with
# sigwait, then the dict is checked against the checksum computed before.
import os, signal, sys

N = 2_000_000
d = {i: (i * 2654435761) % 4294967296 for i in range(N)}
d.update({"key-%d" % i: "value-%d" % (i * 7) for i in range(0, N, 10)})
expect_len = len(d)
expect_sum = sum(v for k, v in d.items() if isinstance(k, int)) % (1 << 61)
expect_str = sum(len(v) for k, v in d.items() if isinstance(k, str))
os.write(int(sys.argv[1]), b"r")
os.close(int(sys.argv[1]))
signal.sigwait({signal.SIGTERM})
ok = (len(d) == expect_len
      and sum(v for k, v in d.items() if isinstance(k, int)) % (1 << 61) == expect_sum
      and sum(len(v) for k, v in d.items() if isinstance(k, str)) == expect_str
      and d[123457] == (123457 * 2654435761) % 4294967296
      and d["key-1000"] == "value-7000")
d[N + 1] = 1  # the dict still grows
print("python story: dict", "intact" if ok else "CHANGED", flush=True)
sys.exit(0 if ok else 1)
