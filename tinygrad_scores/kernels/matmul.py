"""Matrix multiply C = A @ B (or C += A @ B), blocked and register-tiled.

Over its loop twin (loops/matmul.py): 30-70x on 256 x 784 x 128 float32, one thread. The
twin takes one dot product per element of C, reading B down a column (a cache miss per
element), one multiply-add at a time; here B is packed into contiguous panels, K is cut
into blocks that stay in cache, and a micro-kernel keeps a whole tile of C in vector
registers, 16 float32 (8 float64) multiply-adds per instruction; large products split
across threads.

The shape of the algorithm is the one every fast BLAS uses (Goto and van de Geijn): cut K
into blocks that stay in cache, pack what is read many times into contiguous panels, and
compute C in register tiles with a *micro-kernel* that holds a whole tile in vector
registers for a K block. Two blockings, chosen by A's layout (``_block``):

- A with contiguous rows (x in ``x @ W.T``, g in ``g @ W``), or few rows: A is read in
  place, an 8-row strip (8 x up to 512, in L1) meeting every 32-column panel of B. B is
  packed into panels (in L2) unless it is C-contiguous already; W.T is packed by 16 x 16
  block transposes written in IR (``_transpose_block``), not element by element. The
  panels stream from L2 past the strip, so the tile fetches B's rows ahead
  (``_tile_stream``).
- A with strided rows (g.T in ``g.T @ x``): A's 8-row micro-panels are packed (in L2),
  each K-block of a 32-column panel of B is packed into L1, and meets every micro-panel.

The micro-kernel is written in LLVM IR (``_tile``) with explicit 512-bit vectors: per k,
two vector loads of the B panel, 8 broadcasts of A (through A's strides) and 16 fused
multiply-adds into 16 zmm accumulators. LLVM's own vectoriser would choose 256-bit vectors
on this CPU (its prefer-256-bit tuning for Intel server chips), which halves the peak;
explicit vector types stay 512 bits wide. float32: 8 x 32 tiles; float64: 8 x 16; a 4-row
variant (``_tile4``) for the last rows of a short C, and a 2-row one 8 vectors wide
(``_tile_wide``) for a C of one or two rows. Edge tiles are computed into a scratch tile
and the valid part stored, so the k loop never tests a bound. For K of 1 or 2 (a
two-class output layer's ``g @ W``), where a tile's set-up outweighs its k loop, B's rows stay in
registers while A's rows stream past (``_thin_rows``). Every path adds each element's
products in k order from zero, per K block, as the tiles do: the same bits whichever
path a share of C takes.

Besides: C with few columns (an output layer's ``x @ W.T``) is dot products along k, two
rows by two columns at a time (``_dot_rows``); tiny products a plain loop
(``_gemm_small``). One compiled kernel chooses between dot products and tiles for one
thread (``_gemm_whole``); threads split C by rows or by columns (``_split``), as many as
``team_size`` says are free.
"""

import numpy as np
from numba import config, prange, types
from numba.extending import intrinsic, overload

from ._jit import helper, inlined, kernel, local_array
from .compiler import lanes_dots
from .vecmath import FMA_LANES, fma, row_dot, strict_add

MR = 8  # rows of the micro-tile
VECTOR_BYTES = 64  # one zmm register
NV = 2  # vectors per row of the micro-tile: NR = 2 * 64 / itemsize
B_AHEAD = 16  # steps of k ahead that _tile_stream fetches B's rows
STREAM_MIN_K = 4 * B_AHEAD  # ... for K blocks this long (at K = 10, 1.35x slower with them)
WIDE = 8  # ... of the 2-row tile (_tile_wide)
THIN_K = 2  # K up to this: B's rows held in registers (_thin_rows; a loop compiled per K)
THIN_VECTORS = 4  # ... this many vectors of each
KC_A_IN_PLACE = 512  # K block when A is read in place: an 8 x 512 strip is 16 KiB of L1
KC_A_PACKED = 256  # ... when A is packed: the packed B panel (256 x 32) is 32 KiB of L1
PANEL_BYTES = 1 << 20  # a packed block (of B or of A) per thread: half of the 2 MiB L2
# M*N*K below this (~8 us on one thread): a team of two costs about what it saves (two
# threads measured 1.2-1.4x faster at 0.66 M, 0.9-1.1x at 0.33 M, the mnist output layer)
PARALLEL_FLOPS = 1 << 19
SMALL_FLOPS = 1 << 14  # M*N*K below this: the plain loop (the call is most of the time)
DOT_MAX_N = 16  # up to this many columns of C (and B^T contiguous): dot products
SMALL_B_BYTES = 1 << 18  # a B this small: threads share C by rows (see _split)


# --------------------------------------------------------------------------- micro-kernel


def _tile_rows(rows, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add, vectors=NV):
    """T[ti:ti+mr, tj:tj+NR] (+)= A[i0:i0+mr, pc:pc+kc] @ B[p0:p0+kc, j0:j0+NR] for
    mr <= rows: the tile is computed for ``rows`` rows (those past ``i0 + mr - 1`` re-read
    that last row) and its first mr rows are stored. NR is ``vectors`` vectors wide.

    B's rows must be contiguous (a packed panel, or a C-contiguous matrix read in place).
    Plain NumPy when the JIT is off; compiled code uses the IR below.
    """
    nr = vectors * VECTOR_BYTES // B.itemsize
    if T.ndim == 1:  # a flat scratch tile: rows of NR
        T = T[: MR * nr].reshape(MR, nr)
    kept = min(rows, mr)
    picked = [min(i0 + r, i0 + mr - 1) for r in range(rows)]
    prod = (A[picked, pc : pc + kc] @ B[p0 : p0 + kc, j0 : j0 + nr])[:kept]
    if add:
        T[ti : ti + kept, tj : tj + nr] += prod
    else:
        T[ti : ti + kept, tj : tj + nr] = prod


def _tile(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
    """The MR x NR micro-kernel (see ``_tile_rows``): 16 vector accumulators."""
    _tile_rows(MR, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add)


def _tile_stream(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
    """``_tile`` that also fetches B's rows B_AHEAD steps of k ahead: for a B streamed
    from L2 past an A strip held in L1 (the in-place blocking). 4-5% faster there (x @ W.T
    at 512 x 784 x 1024 and 128 x 784 x 256); 6% slower where B's panel sits in L1 (the
    packed blocking), whose load slots the fetches take."""
    _tile_rows(MR, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add)


def _tile4(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
    """A 4 x NR micro-kernel for the last rows of a short C (M = 2, 10): an 8-row tile
    there would compute mostly discarded rows. 8 accumulators: still one FMA per cycle
    per port with FMA latency 4."""
    _tile_rows(4, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add)


def _tile_wide(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
    """A 2-row micro-kernel WIDE vectors wide (128 float32 columns), straight into C:
    C with one or two rows (a two-class output layer's weight gradient, g.T @ x) has
    nothing for an 8- or 4-row tile's other rows to do; 16 accumulators, like ``_tile``."""
    _tile_rows(2, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add, WIDE)


def _thin_rows(k, A, B, C, m0, m1, j0, add):
    """C[m0:m1, j0:j0+NT] (+)= A[m0:m1, :k] @ B[:k, j0:j0+NT] for a K of ``k`` (at most
    THIN_K), NT = THIN_VECTORS vectors: B's k x NT block stays in registers while the rows
    of A stream past, each row k broadcasts, multiply-adds and one store per vector. The
    arithmetic of each element is the tiles' (multiply-adds in k order from zero, then
    added to C), so it has their bits. B's rows must be contiguous."""
    nt = THIN_VECTORS * VECTOR_BYTES // B.itemsize
    prod = A[m0:m1, :k] @ B[:k, j0 : j0 + nt]
    if add:
        C[m0:m1, j0 : j0 + nt] += prod
    else:
        C[m0:m1, j0 : j0 + nt] = prod


def _transpose_block(S, r0, c0, D, q, j):
    """D[q:q+W, j:j+W] = S[r0:r0+W, c0:c0+W].T for one W x W block, W = 64 / itemsize (16
    float32, 8 float64); S's rows must be contiguous. Compiled: W vector loads, a network
    of W * log2(W) two-vector shuffles, W vector stores (packing W.T into panels, which a
    scalar loop does at about one element per cycle)."""
    w = VECTOR_BYTES // S.itemsize
    D[q : q + w, j : j + w] = S[r0 : r0 + w, c0 : c0 + w].T


def _copy_run(S, r, c, D, q):
    """D[q, :n] = S[r, c:c+n] for n = D's row length (MR: a micro-panel row of A; NR: a
    panel row of B), S's rows contiguous. Compiled: n elements as one vector load and
    store, n known when compiling; an element loop through S's strides (unknown to
    LLVM) copies about one element per cycle."""
    n = D.shape[1]
    D[q, :n] = S[r, c : c + n]


def _copy_strip(S, r, c, D, q):
    """``_copy_run`` of MR elements: a row of A's micro-panel (g.T's rows are g's runs)."""
    _copy_run(S, r, c, D, q)


def _copy_panel_row(S, r, c, D, q):
    """``_copy_run`` of NR elements: a row of B's panel from a B with contiguous rows."""
    _copy_run(S, r, c, D, q)


def _install_tile():
    from llvmlite import ir
    from numba.core import cgutils

    def vector_type(context, dtype):
        """(element type, its bytes, elements per vector, the 64-byte vector type)."""
        elem = context.get_value_type(dtype)
        size = context.get_abi_sizeof(elem)
        return elem, size, VECTOR_BYTES // size, ir.VectorType(elem, VECTOR_BYTES // size)

    def make_tile_ir(ROWS, NV=NV, ahead=0):
        """The ROWS x NR micro-kernel, NR = NV vectors, as a Numba intrinsic; ``ahead``:
        rows of B fetched that many steps of k ahead (0: none)."""

        @intrinsic
        def tile_ir(typingctx, kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
            def codegen(context, builder, sig, args):
                kc, a_val, i0, mr, pc, b_val, p0, j0, t_val, ti, tj, add = args
                a = context.make_array(sig.args[1])(context, builder, a_val)
                b = context.make_array(sig.args[5])(context, builder, b_val)
                t = context.make_array(sig.args[8])(context, builder, t_val)
                elem, size, width, vec = vector_type(context, sig.args[1].dtype)
                vptr = vec.as_pointer()
                intp = context.get_value_type(types.intp)
                byte_ptr = ir.IntType(8).as_pointer()

                def const(v):
                    return ir.Constant(intp, v)

                def vec_at(base, byte_offset):
                    return builder.bitcast(builder.gep(base, [byte_offset]), vptr)

                fma = cgutils.get_or_insert_function(
                    builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.v{width}f{8 * size}"
                )
                # A's rows, clamped to the last valid one, at column pc (byte pointers)
                a_row_stride, a_col_stride = cgutils.unpack_tuple(builder, a.strides, 2)
                a_base = builder.gep(
                    builder.bitcast(a.data, byte_ptr), [builder.mul(pc, a_col_stride)]
                )
                last = builder.add(i0, builder.sub(mr, const(1)))
                rows = []
                for r in range(ROWS):
                    row = builder.add(i0, const(r))
                    row = builder.select(builder.icmp_signed("<", row, last), row, last)
                    rows.append(builder.gep(a_base, [builder.mul(row, a_row_stride)]))
                b_row_stride = cgutils.unpack_tuple(builder, b.strides, 2)[0]
                b_base = builder.gep(
                    builder.bitcast(b.data, byte_ptr),
                    [builder.add(builder.mul(p0, b_row_stride), builder.mul(j0, const(size)))],
                )
                accs = [
                    cgutils.alloca_once_value(builder, ir.Constant(vec, None))
                    for _ in range(ROWS * NV)
                ]
                undef = ir.Constant(vec, ir.Undefined)
                lane0 = ir.Constant(ir.IntType(32), 0)
                splat = ir.Constant(ir.VectorType(ir.IntType(32), width), [0] * width)
                prefetch = cgutils.get_or_insert_function(
                    builder.module,
                    ir.FunctionType(ir.VoidType(), [byte_ptr] + [ir.IntType(32)] * 3),
                    "llvm.prefetch.p0i8",
                )
                i32 = ir.IntType(32)
                b_ahead = builder.mul(const(ahead), b_row_stride)
                with cgutils.for_range(builder, kc) as loop:
                    p = loop.index
                    b_row = builder.gep(b_base, [builder.mul(p, b_row_stride)])
                    for v in range(NV if ahead else 0):  # (read, keep in all caches, data)
                        at = builder.gep(b_row, [builder.add(b_ahead, const(v * VECTOR_BYTES))])
                        builder.call(prefetch, [at, i32(0), i32(3), i32(1)])
                    bv = [
                        builder.load(vec_at(b_row, const(v * VECTOR_BYTES)), align=size)
                        for v in range(NV)
                    ]
                    k_off = builder.mul(p, a_col_stride)
                    for r in range(ROWS):
                        s = builder.load(
                            builder.bitcast(builder.gep(rows[r], [k_off]), elem.as_pointer())
                        )
                        av = builder.shuffle_vector(
                            builder.insert_element(undef, s, lane0), undef, splat
                        )  # broadcast A[r, p]
                        for v in range(NV):
                            acc = accs[r * NV + v]
                            builder.store(builder.call(fma, [av, bv[v], builder.load(acc)]), acc)
                if sig.args[8].ndim == 1:  # a flat scratch tile: rows of NR
                    t_row_stride = const(NV * VECTOR_BYTES)
                else:
                    t_row_stride = cgutils.unpack_tuple(builder, t.strides, 2)[0]
                t_base = builder.gep(
                    builder.bitcast(t.data, byte_ptr),
                    [builder.add(builder.mul(ti, t_row_stride), builder.mul(tj, const(size)))],
                )
                with builder.if_else(add) as (then_add, otherwise):
                    for adding in (True, False):
                        with then_add if adding else otherwise:
                            for r in range(ROWS):  # rows 0 .. mr-1 only
                                keep = builder.icmp_signed("<", const(r), mr)
                                with builder.if_then(keep, likely=True):
                                    row = builder.gep(t_base, [builder.mul(const(r), t_row_stride)])
                                    for v in range(NV):
                                        ptr = vec_at(row, const(v * VECTOR_BYTES))
                                        val = builder.load(accs[r * NV + v])
                                        if adding:
                                            val = builder.fadd(val, builder.load(ptr, align=size))
                                        builder.store(val, ptr, align=size)
                return context.get_dummy_value()

            return types.none(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add), codegen

        return tile_ir

    tile8_ir, tile4_ir, tile_wide_ir = make_tile_ir(MR), make_tile_ir(4), make_tile_ir(2, WIDE)
    tile_stream_ir = make_tile_ir(MR, ahead=B_AHEAD)

    @intrinsic
    def transpose_ir(typingctx, S, r0, c0, D, q, j):
        def codegen(context, builder, sig, args):
            s_val, r0, c0, d_val, q, j = args
            src = context.make_array(sig.args[0])(context, builder, s_val)
            dst = context.make_array(sig.args[3])(context, builder, d_val)
            elem, size, width, vec = vector_type(context, sig.args[0].dtype)
            vptr = vec.as_pointer()
            intp = context.get_value_type(types.intp)
            byte_ptr = ir.IntType(8).as_pointer()
            s_row = cgutils.unpack_tuple(builder, src.strides, 2)[0]
            d_row = cgutils.unpack_tuple(builder, dst.strides, 2)[0]

            def row_ptr(arr, stride, r, c, i):
                off = builder.add(
                    builder.mul(builder.add(r, ir.Constant(intp, i)), stride),
                    builder.mul(c, ir.Constant(intp, size)),
                )
                return builder.bitcast(
                    builder.gep(builder.bitcast(arr.data, byte_ptr), [off]), vptr
                )

            rows = [builder.load(row_ptr(src, s_row, r0, c0, i), align=size) for i in range(width)]
            d = width // 2
            while d:  # swap the off-diagonal d x d blocks of every 2d x 2d block
                low = [lane if not lane & d else width + lane - d for lane in range(width)]
                high = [lane + d if not lane & d else width + lane for lane in range(width)]
                for i in range(width):
                    if not i & d:
                        top, bottom = rows[i], rows[i + d]
                        rows[i] = builder.shuffle_vector(
                            top, bottom, ir.Constant(ir.VectorType(ir.IntType(32), width), low)
                        )
                        rows[i + d] = builder.shuffle_vector(
                            top, bottom, ir.Constant(ir.VectorType(ir.IntType(32), width), high)
                        )
                d //= 2
            for i in range(width):
                builder.store(rows[i], row_ptr(dst, d_row, q, j, i), align=size)
            return context.get_dummy_value()

        return types.none(S, r0, c0, D, q, j), codegen

    @overload(_transpose_block, inline="always")
    def _transpose_overload(S, r0, c0, D, q, j):
        return lambda S, r0, c0, D, q, j: transpose_ir(S, r0, c0, D, q, j)

    def make_copy_ir(count):
        """_copy_run for runs of ``count(element bytes)`` elements."""

        @intrinsic
        def copy_ir(typingctx, S, r, c, D, q):
            def codegen(context, builder, sig, args):
                s_val, r, c, d_val, q = args
                src = context.make_array(sig.args[0])(context, builder, s_val)
                dst = context.make_array(sig.args[3])(context, builder, d_val)
                elem, size, _, _ = vector_type(context, sig.args[0].dtype)
                run = ir.VectorType(elem, count(size))
                intp = context.get_value_type(types.intp)
                byte_ptr = ir.IntType(8).as_pointer()

                def at(arr, row, offset):
                    stride = cgutils.unpack_tuple(builder, arr.strides, 2)[0]
                    off = builder.add(builder.mul(row, stride), offset)
                    ptr = builder.gep(builder.bitcast(arr.data, byte_ptr), [off])
                    return builder.bitcast(ptr, run.as_pointer())

                start = builder.mul(c, ir.Constant(intp, size))
                value = builder.load(at(src, r, start), align=size)
                builder.store(value, at(dst, q, ir.Constant(intp, 0)), align=size)
                return context.get_dummy_value()

            return types.none(S, r, c, D, q), codegen

        return copy_ir

    copy_strip_ir = make_copy_ir(lambda size: MR)
    copy_panel_row_ir = make_copy_ir(lambda size: NV * VECTOR_BYTES // size)

    @overload(_copy_strip, inline="always")
    def _copy_strip_overload(S, r, c, D, q):
        return lambda S, r, c, D, q: copy_strip_ir(S, r, c, D, q)

    @overload(_copy_panel_row, inline="always")
    def _copy_panel_row_overload(S, r, c, D, q):
        return lambda S, r, c, D, q: copy_panel_row_ir(S, r, c, D, q)

    @overload(_tile, inline="always")
    def _tile_overload(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
        return lambda kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add: tile8_ir(
            kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add
        )

    def make_thin_ir(K):
        """_thin_rows for a K known when compiling: the K x THIN_VECTORS vectors of B
        loaded once, then one iteration per row of A."""

        @intrinsic
        def thin_ir(typingctx, A, B, C, m0, m1, j0, add):
            def codegen(context, builder, sig, args):
                a_val, b_val, c_val, m0, m1, j0, add = args
                a = context.make_array(sig.args[0])(context, builder, a_val)
                b = context.make_array(sig.args[1])(context, builder, b_val)
                c = context.make_array(sig.args[2])(context, builder, c_val)
                elem, size, width, vec = vector_type(context, sig.args[0].dtype)
                intp = context.get_value_type(types.intp)
                byte_ptr = ir.IntType(8).as_pointer()

                def const(v):
                    return ir.Constant(intp, v)

                def at(base, offset, kind):
                    return builder.bitcast(builder.gep(base, [offset]), kind.as_pointer())

                fma = cgutils.get_or_insert_function(
                    builder.module, ir.FunctionType(vec, [vec] * 3), f"llvm.fma.v{width}f{8 * size}"
                )
                a_row_stride, a_col_stride = cgutils.unpack_tuple(builder, a.strides, 2)
                b_row_stride = cgutils.unpack_tuple(builder, b.strides, 2)[0]
                c_row_stride = cgutils.unpack_tuple(builder, c.strides, 2)[0]
                column = builder.mul(j0, const(size))
                b_base = builder.gep(builder.bitcast(b.data, byte_ptr), [column])
                bv = [
                    [
                        builder.load(
                            at(
                                b_base,
                                builder.add(
                                    builder.mul(const(k), b_row_stride), const(v * VECTOR_BYTES)
                                ),
                                vec,
                            ),
                            align=size,
                        )
                        for v in range(THIN_VECTORS)
                    ]
                    for k in range(K)
                ]
                a_base = builder.bitcast(a.data, byte_ptr)
                c_base = builder.gep(builder.bitcast(c.data, byte_ptr), [column])
                undef = ir.Constant(vec, ir.Undefined)
                lane0 = ir.Constant(ir.IntType(32), 0)
                splat = ir.Constant(ir.VectorType(ir.IntType(32), width), [0] * width)
                zero = ir.Constant(vec, None)
                with builder.if_else(add) as (then_add, otherwise):
                    for adding in (True, False):
                        with then_add if adding else otherwise:
                            with cgutils.for_range_slice(builder, m0, m1, const(1)) as (i, _):
                                a_row = builder.gep(a_base, [builder.mul(i, a_row_stride)])
                                av = []
                                for k in range(K):
                                    s = builder.load(
                                        at(a_row, builder.mul(const(k), a_col_stride), elem)
                                    )
                                    av.append(
                                        builder.shuffle_vector(
                                            builder.insert_element(undef, s, lane0), undef, splat
                                        )
                                    )  # broadcast A[i, k]
                                c_row = builder.gep(c_base, [builder.mul(i, c_row_stride)])
                                for v in range(THIN_VECTORS):
                                    acc = zero
                                    for k in range(K):
                                        acc = builder.call(fma, [av[k], bv[k][v], acc])
                                    ptr = at(c_row, const(v * VECTOR_BYTES), vec)
                                    if adding:
                                        acc = builder.fadd(acc, builder.load(ptr, align=size))
                                    builder.store(acc, ptr, align=size)
                return context.get_dummy_value()

            return types.none(A, B, C, m0, m1, j0, add), codegen

        return thin_ir

    thin1, thin2 = (make_thin_ir(K) for K in range(1, THIN_K + 1))

    @overload(_thin_rows, inline="always")
    def _thin_rows_overload(k, A, B, C, m0, m1, j0, add):
        def thin(k, A, B, C, m0, m1, j0, add):  # one loop per K: K is known when compiling
            if k == 1:
                thin1(A, B, C, m0, m1, j0, add)
            else:
                thin2(A, B, C, m0, m1, j0, add)

        return thin

    @overload(_tile_wide, inline="always")
    def _tile_wide_overload(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
        return lambda kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add: tile_wide_ir(
            kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add
        )

    @overload(_tile_stream, inline="always")
    def _tile_stream_overload(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
        return lambda kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add: tile_stream_ir(
            kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add
        )

    @overload(_tile4, inline="always")
    def _tile4_overload(kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add):
        return lambda kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add: tile4_ir(
            kc, A, i0, mr, pc, B, p0, j0, T, ti, tj, add
        )


if not config.DISABLE_JIT:
    _install_tile()


# --------------------------------------------------------------------------- blocked GEMM


@helper
def _pack_b(B, Bp, q, pc, kc, j0, width):
    """Bp[q:q+kc, :] = B[pc:pc+kc, j0:j0+width], zero-padded to the panel width. The loop
    order follows B's layout, so reads run along B's contiguous axis."""
    nr = Bp.shape[1]
    if width == nr and B.strides[1] == B.itemsize:  # whole rows of a panel: one run each
        for p in range(kc):
            _copy_panel_row(B, pc + p, j0, Bp, q + p)
    elif B.strides[1] <= B.strides[0]:
        for p in range(kc):
            for j in range(width):
                Bp[q + p, j] = B[pc + p, j0 + j]
            for j in range(width, nr):
                Bp[q + p, j] = 0.0
    else:
        w = VECTOR_BYTES // B.itemsize
        whole_k = kc // w * w
        whole_j = width // w * w if B.strides[0] == B.itemsize else 0
        Bt = B.T  # rows contiguous when B.strides[0] is one element
        for jb in range(0, whole_j, w):
            for pb in range(0, whole_k, w):
                _transpose_block(Bt, j0 + jb, pc + pb, Bp, q + pb, jb)
        for j in range(whole_j):  # the k tail of the whole blocks' columns
            for p in range(whole_k, kc):
                Bp[q + p, j] = B[pc + p, j0 + j]
        for j in range(whole_j, width):
            for p in range(kc):
                Bp[q + p, j] = B[pc + p, j0 + j]
        for p in range(kc):
            for j in range(width, nr):
                Bp[q + p, j] = 0.0


@helper
def _pack_a(A, Ap, q, i0, mr, pc, kc):
    """Ap[q + p, r] = A[i0 + r, pc + p], rows past mr repeating the last: one micro-panel of
    A, contiguous, for an A whose rows are strided (a transposed view, where reading in
    place would touch a new cache line, and a new page, at every k)."""
    if mr == MR and A.strides[0] == A.itemsize:  # g.T: each k's MR values one run of g
        At = A.T
        for p in range(kc):
            _copy_strip(At, pc + p, i0, Ap, q + p)
    elif mr == MR:
        for p in range(kc):
            for r in range(MR):
                Ap[q + p, r] = A[i0 + r, pc + p]
    else:
        for p in range(kc):
            for r in range(MR):
                Ap[q + p, r] = A[i0 + min(r, mr - 1), pc + p]


@inlined
def _store_part(S, C, i0, j0, mr, nr, add):
    """C[i0:i0+mr, j0:j0+nr] (+)= the top-left of the scratch tile S (flat, rows of NR)."""
    row = NV * VECTOR_BYTES // C.itemsize
    for r in range(mr):
        for j in range(nr):
            if add:
                C[i0 + r, j0 + j] += S[r * row + j]
            else:
                C[i0 + r, j0 + j] = S[r * row + j]


@helper
def _last_rows(kc, A, i0, mr, pc, B, p0, bj, C, ci, j0, add):
    """C[ci:ci+mr, j0:j0+NR] (+)= A[i0:i0+mr, pc:pc+kc] @ B[p0:p0+kc, bj:bj+NR] for the
    last mr < MR rows, by the 4-row micro-kernel where it is enough."""
    if mr <= 4:
        _tile4(kc, A, i0, mr, pc, B, p0, bj, C, ci, j0, add)
    else:
        _tile(kc, A, i0, mr, pc, B, p0, bj, C, ci, j0, add)


@helper
def _edge_tile(kc, A, i0, mr, pc, B, p0, bj, S, C, ci, j0, width, add):
    """An edge tile, C[ci:ci+mr, j0:j0+width] (+)= A[i0:i0+mr, pc:pc+kc] @ B[p0:p0+kc,
    bj:bj+NR], through the scratch tile S. One function for every edge, so the
    micro-kernel's code is not repeated at each call site (compile time)."""
    zero = np.intp(0)
    if mr <= 4:
        _tile4(kc, A, i0, mr, pc, B, p0, bj, S, zero, zero, False)
    else:
        _tile(kc, A, i0, mr, pc, B, p0, bj, S, zero, zero, False)
    _store_part(S, C, ci, j0, mr, width, add)


@inlined
def _block_a_in_place(A, B, C, accumulate, m0, m1, n0, n1, kb):
    """C[m0:m1, n0:n1] (+)= A[m0:m1] @ B[:, n0:n1] with A read in place (its rows are
    contiguous, or there are few of them): per K block, each MR-row strip of A (in L1)
    meets every NR-column panel of B. A C-contiguous B is read in place (its rows are the
    panels' rows already) unless the strip count makes a contiguous copy pay (over 256
    rows); other layouts (W.T) are packed into panels, up to PANEL_BYTES of them (in L2).
    A last partial panel is always packed, zero-padded, so tiles never read past B."""
    K = A.shape[1]
    nr = NV * VECTOR_BYTES // C.itemsize
    pack_b = B.strides[1] != B.itemsize or m1 - m0 > 256
    nc_max = max(nr, PANEL_BYTES // (kb * C.itemsize) // nr * nr)
    n_panels = -(-min(nc_max, n1 - n0) // nr) if pack_b else 1
    Bp = np.empty((n_panels * kb, nr), C.dtype)  # panel jp in rows jp*kb to jp*kb+kc
    Bp_any = Bp[:, :]  # typed like B (any strides): the helpers compile once for both
    # chosen once: a reference assigned in the tile loop costs an atomic incref and decref
    # per tile, as much as a K = 10 tile's multiply-adds
    panel = Bp_any if pack_b else B
    zero = np.intp(0)  # not the literal 0: each literal argument compiles a helper again
    S = local_array(256, C.dtype)  # the scratch tile, MR x NR on the stack (8 x 32 at most)
    for jc in range(n0, n1, nc_max):
        nc = min(nc_max, n1 - jc)
        for pc in range(0, K, kb):
            kc = min(kb, K - pc)
            add = accumulate or pc > 0
            if pack_b:
                for jp in range(-(-nc // nr)):
                    _pack_b(B, Bp, jp * kb, pc, kc, jc + jp * nr, min(nr, nc - jp * nr))
            elif nc % nr:
                _pack_b(B, Bp, zero, pc, kc, jc + nc - nc % nr, nc % nr)
            full_panels = nc // nr
            for i0 in range(m0, m1, MR):
                mr = min(MR, m1 - i0)
                for jp in range(full_panels):
                    j0 = jc + jp * nr
                    if pack_b:  # (one call site: each inlined micro-kernel costs compile time)
                        p0, bj = jp * kb, zero
                    else:
                        p0, bj = pc, j0
                    if mr == MR and kc >= STREAM_MIN_K:  # the hot loop: whole tiles into C
                        _tile_stream(kc, A, i0, MR, pc, panel, p0, bj, C, i0, j0, add)
                    elif mr == MR:  # a short K: the fetches would only compete with C's
                        _tile(kc, A, i0, MR, pc, panel, p0, bj, C, i0, j0, add)
                    else:  # the last rows: only mr of them stored
                        _last_rows(kc, A, i0, mr, pc, panel, p0, bj, C, i0, j0, add)
                if nc % nr:  # the last, partial panel: packed either way
                    q = full_panels * kb if pack_b else zero
                    _edge_tile(
                        kc,
                        A,
                        i0,
                        mr,
                        pc,
                        Bp_any,
                        q,
                        zero,
                        S,
                        C,
                        i0,
                        jc + full_panels * nr,
                        nc % nr,
                        add,
                    )


@inlined
def _block_a_packed(A, B, C, accumulate, m0, m1, n0, n1, kb):
    """C[m0:m1, n0:n1] (+)= A[m0:m1] @ B[:, n0:n1] for an A with strided rows (a transposed
    view): per K block, A's rows are packed into MR-row micro-panels (up to PANEL_BYTES,
    in L2), then each NR-column panel of B, packed into L1, meets every micro-panel."""
    K = A.shape[1]
    nr = NV * VECTOR_BYTES // C.itemsize
    mc_max = max(MR, PANEL_BYTES // (kb * C.itemsize) // MR * MR)
    Ap = np.empty((-(-min(mc_max, m1 - m0) // MR) * kb, MR), C.dtype)  # tile t: rows t*kb...
    ApT = Ap.T[:, :]  # ... read by the micro-kernel as columns t*kb... (typed like A)
    Bp = np.empty((kb, nr), C.dtype)
    Bp_any = Bp[:, :]
    S = local_array(256, C.dtype)  # the scratch tile, MR x NR on the stack (8 x 32 at most)
    zero = np.intp(0)  # not the literal 0: each literal argument compiles a helper again
    for pc in range(0, K, kb):
        kc = min(kb, K - pc)
        add = accumulate or pc > 0
        for ic in range(m0, m1, mc_max):
            n_tiles = -(-min(mc_max, m1 - ic) // MR)
            for t in range(n_tiles):
                i0 = ic + t * MR
                _pack_a(A, Ap, t * kb, i0, min(MR, m1 - i0), pc, kc)
            for j0 in range(n0, n1, nr):
                width = min(nr, n1 - j0)
                _pack_b(B, Bp, zero, pc, kc, j0, width)
                for t in range(n_tiles):
                    i0 = ic + t * MR
                    mr = min(MR, m1 - i0)
                    if mr == MR and width == nr:
                        _tile(kc, ApT, zero, MR, t * kb, Bp_any, zero, zero, C, i0, j0, add)
                    elif width == nr:
                        _last_rows(kc, ApT, zero, mr, t * kb, Bp_any, zero, zero, C, i0, j0, add)
                    else:
                        _edge_tile(
                            kc, ApT, zero, mr, t * kb, Bp_any, zero, zero, S, C, i0, j0, width, add
                        )


@inlined
def _two_rows(A, B, C, accumulate, m0, m1, n0, n1, kb):
    """C[m0:m1, n0:n1'] (+)= A[m0:m1] @ B[:, n0:n1'] for m1 - m0 <= 2 and B's rows
    contiguous, by the wide tile straight from B, for the whole tiles of columns n0 to
    n1' (returned). K is cut as _block_a_in_place cuts it, and each K block added to C as
    there, so every element has the bits that path gives it."""
    K = A.shape[1]
    nw = WIDE * VECTOR_BYTES // C.itemsize
    n_end = n0 + (n1 - n0) // nw * nw
    for pc in range(0, K, kb):
        kc = min(kb, K - pc)
        add = accumulate or pc > 0
        for j0 in range(n0, n_end, nw):
            _tile_wide(kc, A, m0, m1 - m0, pc, B, pc, j0, C, m0, j0, add)
    return n_end


@helper
def _block(A, B, C, accumulate, m0, m1, n0, n1):
    """One thread's share, C[m0:m1, n0:n1], by whichever blocking suits A's layout (and
    the whole of A, not the share: every element of C then gets the same sums, in the
    same order, however many threads share it). The one-thread kernel (``_gemm_whole``)
    inlines its Python function, so it is compiled once there, not once more as a
    helper linked in (a third of a second of a cold start)."""
    K = A.shape[1]
    if K <= THIN_K and B.strides[1] == B.itemsize:  # B's rows in registers, A streamed
        nt = THIN_VECTORS * VECTOR_BYTES // C.itemsize
        n_end = n0 + (n1 - n0) // nt * nt
        for j0 in range(n0, n_end, nt):
            _thin_rows(K, A, B, C, m0, m1, j0, accumulate)
        n0 = n_end
        if n0 == n1:
            return
    if A.shape[0] <= 2 and B.strides[1] == B.itemsize:  # (C's rows, not the share's)
        n0 = _two_rows(A, B, C, accumulate, m0, m1, n0, n1, _k_block(K, KC_A_IN_PLACE))
        if n0 == n1:
            return
    if A.strides[1] == A.itemsize or A.shape[0] <= 2 * MR:
        _block_a_in_place(A, B, C, accumulate, m0, m1, n0, n1, _k_block(K, KC_A_IN_PLACE))
    else:
        _block_a_packed(A, B, C, accumulate, m0, m1, n0, n1, _k_block(K, KC_A_PACKED))


@inlined
def _k_block(K, most):
    """Equal K blocks of at most ``most``: 784 -> 2 x 392 rather than 512 + 272."""
    n = max(1, -(-K // most))
    return max(1, -(-K // n))


def _gemm(A, B, C, accumulate, parts, by_cols):
    """C (+)= A @ B for K > 0, in ``parts`` shares of whole tiles: column panels of C when
    ``by_cols``, else row tiles. One share per thread in the threaded build; no two shares
    write one element of C."""
    M, K = A.shape
    N = B.shape[1]
    nr = NV * VECTOR_BYTES // C.itemsize
    units = -(-N // nr) if by_cols else -(-M // MR)
    step = nr if by_cols else MR
    end = N if by_cols else M
    # Column shares meet on a cache line of every row of C unless the line starts there
    # (NumPy aligns arrays to 16 bytes, not 64): two threads writing one line take it in
    # turns, once per row and K block (1.6x slower at 512 x 10 @ 10 x 1024). So the
    # boundaries move to where C's lines begin, when every row's lines begin alike.
    shift = np.intp(0)
    if by_cols and C.strides[0] % VECTOR_BYTES == 0:
        offset = np.intp(C.ctypes.data) % VECTOR_BYTES  # (a signed address: no uint mix)
        shift = (VECTOR_BYTES - offset) % VECTOR_BYTES // C.itemsize
    zero = np.intp(0)  # not the literal 0: each literal argument compiles a helper again
    for part in prange(parts):
        lo = zero if part == 0 else min(end, units * part // parts * step + shift)
        hi = end if part == parts - 1 else min(end, units * (part + 1) // parts * step + shift)
        if by_cols:
            r0, r1, c0, c1 = zero, M, lo, hi
        else:
            r0, r1, c0, c1 = lo, hi, zero, N
        if r0 < r1 and c0 < c1:
            _block(A, B, C, accumulate, r0, r1, c0, c1)


# --------------------------------------------------------------------------- few columns


@helper
def _dot_one(A, Bt, C, accumulate, i, j, S, s):
    """C[i, j] (+)= A[i] . Bt[j] for the sum of the whole lanes, S[s] (lanes_dots), or,
    with s < 0, from scratch (vecmath.row_dot): the tail k added to it either way."""
    if s < 0:
        total = row_dot(A, Bt, i, j)
    else:
        total = S[s]
        for k in range(A.shape[1] - A.shape[1] % FMA_LANES, A.shape[1]):
            total = fma(A[i, k], Bt[j, k], total)
    C[i, j] = strict_add(total, C[i, j]) if accumulate else total


@inlined
def _dot_rows(A, Bt, C, accumulate, m0, m1):
    """C[m0:m1] (+)= A[m0:m1] @ Bt.T as dot products along k, each as vecmath.row_dot adds
    it (FMA_LANES lanes of fused multiply-adds combined in a fixed order, then the tail
    k), so every build, and every way of cutting C into blocks, gives the same bits.
    Two rows by two columns at a time (compiler.lanes_dots), for K of a whole lane group
    or more: one dot product alone waits on its multiply-adds' latency. The odd last row
    and column, one at a time."""
    K, N = A.shape[1], Bt.shape[0]
    full = K - K % FMA_LANES
    i_end, j_end = (m0 + (m1 - m0) // 2 * 2, N // 2 * 2) if full else (m0, 0)
    S = local_array(4, C.dtype)  # a block's whole-lane sums, S[2 r + c]
    none = np.intp(-1)
    for i in range(m0, i_end, 2):
        for j in range(0, j_end, 2):
            lanes_dots(A, Bt, i, j, full, S)
            if full == K and not accumulate:  # no tail: the sums are the products
                C[i, j], C[i, j + 1], C[i + 1, j], C[i + 1, j + 1] = S[0], S[1], S[2], S[3]
            else:
                for b in range(4):
                    _dot_one(A, Bt, C, accumulate, i + b // 2, j + b % 2, S, np.intp(b))
        for j in range(j_end, N):
            for i1 in range(i, i + 2):
                _dot_one(A, Bt, C, accumulate, i1, j, S, none)
    for i in range(i_end, m1):
        for j in range(N):
            _dot_one(A, Bt, C, accumulate, i, j, S, none)


def _dot_fits(A, B):
    """Whether C = A @ B takes dot products: few columns, and rows of A and of B.T
    contiguous (x @ W.T). One rule for the one-thread kernel, which asks it in compiled
    code, and for matmul_into choosing a threaded kernel: the same path gives the same
    bits."""
    return B.shape[1] <= DOT_MAX_N and A.strides[1] == A.itemsize and B.strides[0] == B.itemsize


def _gemm_dot(A, Bt, C, accumulate, parts, by_cols):
    """C (+)= A @ Bt.T for a C with few columns (Linear's output layer: x @ W.T with W
    (N, K)), where a 32-wide tile would be mostly padding. A's and Bt's rows are
    contiguous. ``parts`` shares of whole 4-row groups, one per thread; ``by_cols`` is
    ignored."""
    groups = -(-A.shape[0] // 4)
    for part in prange(parts):
        lo = groups * part // parts * 4
        hi = min(A.shape[0], groups * (part + 1) // parts * 4)
        _dot_rows(A, Bt, C, accumulate, lo, hi)


def _gemm_dot_serial(A, Bt, C, accumulate):
    """``_gemm_dot`` on one thread."""
    _dot_rows(A, Bt, C, accumulate, np.intp(0), A.shape[0])


_dot_fits_compiled = inlined(_dot_fits)
_block_inlined = inlined(getattr(_block, "py_func", _block))  # (one copy in the caller)


def _gemm_whole(A, B, C, accumulate):
    """C (+)= A @ B for K > 0 on one thread, by dot products or the blocked kernel, as
    ``_dot_fits`` says: the one-thread path of matmul_into, which leaves the choice (two
    flag reads and a transposed view, in Python) to compiled code; a product of a
    microsecond is mostly its calls."""
    M, N = A.shape[0], B.shape[1]
    zero = np.intp(0)
    if _dot_fits_compiled(A, B):
        _dot_rows(A, B.T, C, accumulate, zero, M)
    else:
        _block_inlined(A, B, C, accumulate, zero, M, zero, N)


# --------------------------------------------------------------------------- small


def _gemm_small(A, B, C, accumulate):
    """Dot products, four columns of C at a time, no packing: for products so small that
    the call itself is most of the time. (Four independent sums per row of A: the
    textbook i-k-j loop would add into the same few elements of C at every k, each add
    waiting on the store before it.)"""
    M, K = A.shape
    N = B.shape[1]
    zero = C.dtype.type(0)
    top = N - N % 4
    for i in range(M):
        for j in range(0, top, 4):
            s0 = s1 = s2 = s3 = zero
            for k in range(K):
                a = A[i, k]
                s0 += a * B[k, j]
                s1 += a * B[k, j + 1]
                s2 += a * B[k, j + 2]
                s3 += a * B[k, j + 3]
            if accumulate:
                s0 += C[i, j]
                s1 += C[i, j + 1]
                s2 += C[i, j + 2]
                s3 += C[i, j + 3]
            C[i, j] = s0
            C[i, j + 1] = s1
            C[i, j + 2] = s2
            C[i, j + 3] = s3
        for j in range(top, N):
            s = zero
            for k in range(K):
                s += A[i, k] * B[k, j]
            C[i, j] = C[i, j] + s if accumulate else s


# --------------------------------------------------------------------------- compile


def _sigs(dt, a="[:,:]", b="[:,:]", tail=", intp, boolean"):
    """A, B (any strides unless given), C (C-contiguous), accumulate, then ``tail``:
    parts, by_cols for the threaded kernels; nothing for the others."""
    return [f"void({dt}{a}, {dt}{b}, {dt}[:,::1], boolean{tail})"]


_KERNELS = {}
for _dt in (np.dtype(np.float32), np.dtype(np.float64)):
    _KERNELS[_dt, "serial"] = kernel(
        _sigs(_dt.name, tail=", intp, intp, intp, intp"), fastmath=True
    )(getattr(_block, "py_func", _block))  # (A, B, C, accumulate, 0, M, 0, N); no JIT: itself
    _KERNELS[_dt, "small"] = kernel(_sigs(_dt.name, tail=""), fastmath=True)(_gemm_small)
    _KERNELS[_dt, "dot"] = kernel(_sigs(_dt.name, tail=""), fastmath=True)(_gemm_dot_serial)
    _KERNELS[_dt, "whole"] = kernel(_sigs(_dt.name, tail=""), fastmath=True)(_gemm_whole)
# Threaded for float32 only, like every kernel here (see _jit.kernel_pair): float64 is the
# dtype of gradient checks, and each threaded build costs about two seconds of compile.
_KERNELS[np.dtype(np.float32), "parallel"] = kernel(_sigs("float32"), fastmath=True, parallel=True)(
    _gemm
)
_KERNELS[np.dtype(np.float32), "dot_parallel"] = kernel(
    _sigs("float32"), fastmath=True, parallel=True
)(_gemm_dot)
_FLOAT32 = np.dtype(np.float32)


class _Direct(dict):
    """dtype -> the compiled one-thread kernel ``variant`` itself, built on first use: a
    tiny product's whole run is about as long as one more Python call, so these calls skip
    the lazy kernel's own dispatch after the first."""

    def __init__(self, variant):
        super().__init__()
        self.variant = variant

    def __missing__(self, dtype):
        lazy = _KERNELS[dtype, self.variant]
        self[dtype] = run = lazy.build(dtype) if hasattr(lazy, "build") else lazy
        return run


_SMALL, _WHOLE = _Direct("small"), _Direct("whole")


def _split(M, N, K, nr, threads, a_packed, itemsize):
    """(parts, by_cols): which way to share C among ``threads``. Each thread packs the
    operand it streams: B's panels when A is read in place (so split by column panels,
    each thread packing only its own), A's rows when A is packed (so split by row tiles).
    Either way, only when the other way has too few whole tiles to go round. But a B of
    at most SMALL_B_BYTES (a thin K: g @ W of an output layer) costs little to read or
    pack whole in each thread, and row shares write C in two long runs rather than two
    halves of every row: 512 x 10 @ 10 x 1024 ran in 49 us by rows, 71 by columns."""
    col_units, row_units = -(-N // nr), -(-M // MR)
    if a_packed:
        by_cols = row_units < 2 * threads and col_units > row_units
    elif K * N * itemsize <= SMALL_B_BYTES and row_units >= 2 * threads:
        by_cols = False
    else:
        by_cols = col_units >= 2 * threads or col_units >= row_units
    return min(threads, col_units if by_cols else row_units), by_cols


class _Team:
    """How many threads a parallel kernel should use now: the cores Numba may use, less
    those other processes kept busy over the last ``PERIOD`` seconds.

    A thread team on a core another process is using waits at every join for the thread
    the scheduler parked: with one of two cores busy, two threads ran a training step
    1.4x slower than one. The estimate is refreshed at most every PERIOD from
    /proc/stat (all CPUs' busy time) less this process's own CPU time, so it costs one
    clock read per call in between; Numba's team size follows it (numba.set_num_threads,
    which every threaded kernel of this package then honours). A user's own
    set_num_threads becomes the new ceiling; ``team_size.PERIOD = float("inf")`` turns
    the adjustment off."""

    PERIOD = 0.2

    def __init__(self):
        import os
        import time

        self._clock, self._cpu_time = time.monotonic, time.process_time
        self.most = config.NUMBA_NUM_THREADS
        try:
            self.most = min(self.most, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            pass
        self.size, self._last, self._sample = self.most, -1.0, None

    def _busy_seconds(self):
        """Seconds all CPUs spent busy since boot, or None off Linux."""
        try:
            with open("/proc/stat", "rb") as f:
                fields = f.readline().split()[1:]
        except OSError:
            return None
        ticks = [int(x) for x in fields]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
        return (sum(ticks[:8]) - idle) / 100.0  # USER_HZ = 100

    def __call__(self):
        now = self._clock()
        if now - self._last < self.PERIOD or self.most < 2:
            return self.size
        sample = (now, self._busy_seconds(), self._cpu_time())
        if self._sample is not None and sample[1] is not None:
            wall = now - self._sample[0]
            others = (sample[1] - self._sample[1]) - (sample[2] - self._sample[2])
            # a thread less for each core others kept at least 80% busy: a core they use
            # part-time still pays for its thread
            from numba import get_num_threads, set_num_threads

            if get_num_threads() != self.size:  # set_num_threads by the user: a new cap
                self.most = max(1, get_num_threads())
            # (/proc/stat counts in 10 ms ticks, our CPU time finer: clamp the noise)
            size = max(1, self.most - int(max(0.0, others) / wall + 0.2))
            if size != self.size:
                set_num_threads(size)
                self.size = size
        self._last, self._sample = now, sample
        return self.size


team_size = _Team()


def matmul_into(A, B, C, accumulate=False):
    """C = A @ B (or C += A @ B) for 2-D arrays of one float dtype; C must be C-contiguous.

    Tiny products take the unpacked loop; few columns with contiguous rows of A and B^T
    take dot products; the rest the blocked kernel. float32 products of PARALLEL_FLOPS
    or more run on the team of threads (``team_size``), split by shape (``_split``).
    """
    M, K = A.shape
    N = B.shape[1]
    flops = M * N * K
    if flops < SMALL_FLOPS:
        if K == 0:  # an empty sum
            if not accumulate:
                C.fill(0)
        else:
            _SMALL[C.dtype](A, B, C, accumulate)
        return C
    if flops >= PARALLEL_FLOPS and C.dtype == _FLOAT32 and team_size() > 1:
        dot = _dot_fits(A, B)
        threaded = _KERNELS[_FLOAT32, "dot_parallel" if dot else "parallel"]
        # (built on a background thread, on first need: compiler._Background)
        if threaded.ready(_FLOAT32) is not None:
            if dot:
                threaded(A, B.T, C, accumulate, min(team_size.size, -(-M // 4)), True)
            else:
                a_packed = A.strides[1] != A.itemsize and M > 2 * MR  # as _block decides
                nr = NV * VECTOR_BYTES // C.itemsize
                parts, by_cols = _split(M, N, K, nr, team_size.size, a_packed, C.itemsize)
                threaded(A, B, C, accumulate, parts, by_cols)
            return C
    _WHOLE[C.dtype](A, B, C, accumulate)
    return C
