"""Runs torch.nn.RNN / LSTM / GRU (float64) on the weights and inputs of a JSON case file and prints
the outputs and the gradients of sum(output·gy) + sum(hN·ghN) (+ sum(cN·gcN)) as JSON: the
reference nn/test/recurrent-layers.test.ts compares tapegrad's layers with."""
import json
import sys

import torch


def tensor(t):
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])


def main():
    cases = json.load(open(sys.argv[1]))
    out = []
    for c in cases:
        cls = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[c["kind"]]
        m = cls(
            c["inputSize"], c["hidden"], num_layers=c["numLayers"], bias=c["bias"],
            batch_first=c["batchFirst"], bidirectional=c["bidirectional"],
        ).double()
        with torch.no_grad():
            for name, p in m.named_parameters():
                p.copy_(tensor(c["params"][name]))
        x = tensor(c["x"]).requires_grad_()
        h0 = tensor(c["h0"]).requires_grad_()
        if c["kind"] == "LSTM":
            c0 = tensor(c["c0"]).requires_grad_()
            y, (hn, cn) = m(x, (h0, c0))
            loss = (y * tensor(c["gy"])).sum() + (hn * tensor(c["ghN"])).sum() + (cn * tensor(c["gcN"])).sum()
        else:
            y, hn = m(x, h0)
            loss = (y * tensor(c["gy"])).sum() + (hn * tensor(c["ghN"])).sum()
        loss.backward()
        flat = lambda t: t.detach().reshape(-1).tolist()
        r = {"names": [n for n, _ in m.named_parameters()], "y": flat(y), "hN": flat(hn), "gx": flat(x.grad), "gh0": flat(h0.grad)}
        r["gparams"] = {n: flat(p.grad) for n, p in m.named_parameters()}
        if c["kind"] == "LSTM":
            r["cN"] = flat(cn)
            r["gc0"] = flat(c0.grad)
        out.append(r)
    print(json.dumps(out))


main()
