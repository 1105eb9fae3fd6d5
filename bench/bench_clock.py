# The Python peers' clock: wall-clock seconds, or this process's CPU seconds when the bench runs
# with --cpu (TAPEGRAD_BENCH_CLOCK=cpu), which a busy shared machine disturbs far less.
import os
import time

clock = time.process_time if os.environ.get("TAPEGRAD_BENCH_CLOCK") == "cpu" else time.perf_counter
