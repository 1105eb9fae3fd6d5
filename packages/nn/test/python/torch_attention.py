"""Runs torch.nn.MultiheadAttention / TransformerEncoderLayer / TransformerDecoderLayer (float64,
eval, dropout 0) on the state dicts and inputs of a JSON case file and prints the outputs and the
gradients of sum(output·gy) as JSON: the reference nn/test/attention.test.ts compares with."""
import json
import sys

import torch


def tensor(t):
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])


def mask(t):
    if t is None:
        return None
    m = tensor(t)
    return m.bool() if t.get("bool") else m


def main():
    out = []
    for c in json.load(open(sys.argv[1])):
        kind, e, h, bf = c["kind"], c["dModel"], c["nhead"], c["batchFirst"]
        if kind == "mha":
            m = torch.nn.MultiheadAttention(e, h, batch_first=bf, kdim=c.get("kdim"), vdim=c.get("vdim"))
        elif kind == "encoder":
            m = torch.nn.TransformerEncoderLayer(e, h, dim_feedforward=c["ff"], dropout=0.0, activation=c["activation"],
                                                 batch_first=bf, norm_first=c["normFirst"])
        else:
            m = torch.nn.TransformerDecoderLayer(e, h, dim_feedforward=c["ff"], dropout=0.0, activation=c["activation"],
                                                 batch_first=bf, norm_first=c["normFirst"])
        m = m.double().eval()
        sd = {k: tensor(v) for k, v in c["state"].items()}
        m.load_state_dict(sd, strict=True)
        xs = [tensor(x).requires_grad_() for x in c["inputs"]]
        if kind == "mha":
            y, w = m(*xs, key_padding_mask=mask(c.get("keyPaddingMask")), attn_mask=mask(c.get("attnMask")))
            extra = {"w": w.detach().reshape(-1).tolist()}
        elif kind == "encoder":
            y = m(xs[0], src_mask=mask(c.get("attnMask")), src_key_padding_mask=mask(c.get("keyPaddingMask")))
            extra = {}
        else:
            y = m(xs[0], xs[1], tgt_mask=mask(c.get("attnMask")), memory_key_padding_mask=mask(c.get("keyPaddingMask")))
            extra = {}
        (y * tensor(c["gy"])).sum().backward()
        r = {"y": y.detach().reshape(-1).tolist(), "gx": [x.grad.reshape(-1).tolist() for x in xs],
             "keys": list(m.state_dict().keys()),
             "gparams": {n: p.grad.reshape(-1).tolist() for n, p in m.named_parameters()}}
        r.update(extra)
        out.append(r)
    print(json.dumps(out))


main()
