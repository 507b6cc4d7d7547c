"""Graphviz DOT text of the graph behind a tensor (no graphviz needed to make the text)."""


def _shape(shape):
    return "x".join(map(str, shape)) or "scalar"


def to_dot(tensor, name="loss"):
    """DOT source: one box per op (with its output shape), one ellipse per leaf tensor
    (green when it requires grad), edges from inputs to the op that consumed them."""
    lines = ["digraph graph_of_" + "".join(c if c.isalnum() else "_" for c in name) + " {",
             "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    ids = {}

    def node_id(obj):
        return ids.setdefault(id(obj), f"n{len(ids)}")

    root = tensor.grad_fn
    if root is None:
        lines.append(f'  {node_id(tensor)} [shape=ellipse, label="{name}\\n{_shape(tensor.shape)}"];')
        lines.append("}")
        return "\n".join(lines)
    out_id = node_id(tensor)
    lines.append(f'  {out_id} [shape=ellipse, style=filled, fillcolor=lightblue, '
                 f'label="{name}\\n{_shape(tensor.shape)}"];')
    lines.append(f"  {node_id(root)} -> {out_id};")
    stack, seen = [root], {id(root)}
    while stack:
        node = stack.pop()
        shape = node.out_meta[0] if node.out_meta else ()
        lines.append(f'  {node_id(node)} [shape=box, label="{node.name()}\\n{_shape(shape)}"];')
        for t in node.inputs:
            if not hasattr(t, "grad_fn"):
                continue
            if t.grad_fn is not None:
                src = node_id(t.grad_fn)
                if id(t.grad_fn) not in seen:
                    seen.add(id(t.grad_fn))
                    stack.append(t.grad_fn)
            else:
                src = node_id(t)
                if id(t) not in seen:
                    seen.add(id(t))
                    color = "palegreen" if t.requires_grad else "lightgrey"
                    kind = "requires_grad" if t.requires_grad else "constant"
                    lines.append(f'  {src} [shape=ellipse, style=filled, fillcolor={color}, '
                                 f'label="{type(t).__name__} {_shape(t.shape)}\\n{kind}"];')
            lines.append(f"  {src} -> {node_id(node)};")
    lines.append("}")
    return "\n".join(lines)
