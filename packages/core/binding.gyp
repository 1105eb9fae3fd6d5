{
  "targets": [
    {
      "target_name": "tapegrad_native",
      "sources": ["native/binding.c", "native/gemm.c", "native/window.c", "native/max_pool_backward.c", "native/elementwise.c", "native/cells.c", "native/conv.c", "native/conv_job.c", "native/lstm_sequence.c"],
      "cflags": ["-O3", "-std=gnu11", "-fno-strict-aliasing", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi", "-fno-math-errno"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["target_arch not in ('x64', 'ia32')", { "sources!": ["native/gemm.c"], "sources": ["native/gemm-none.c"] }]
      ]
    }
  ]
}
