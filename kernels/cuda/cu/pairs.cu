// Radius search for the entity graph: points binned into cubic cells, then
// every receiver scans the 27 cells around its own. The contract is that
// of kernels.RadiusPairs: the pairs |p_s - p_r| < radius, s ≠ r, sorted by
// receiver and then sender, with the distance rounded as on the CPU
// (sqrt((dx²+dy²)+dz²), no fused multiply-add), so both list the same
// pairs bit for bit.

// The cell grid of kernels.CellGrid: origin and cell size in m, cells
// along x, y and z.
struct grid3 {
	double ox, oy, oz, size;
	int dx, dy, dz;
};

__device__ __forceinline__ int cell_coord(double p, double o, double size, int dims) {
	int c = (int)((p - o) / size);
	return c < dims - 1 ? c : dims - 1;
}

__device__ __forceinline__ double pair_distance(const double *p, int a, int b) {
	double dx = p[3 * a] - p[3 * b], dy = p[3 * a + 1] - p[3 * b + 1], dz = p[3 * a + 2] - p[3 * b + 2];
	return __dsqrt_rn(__dadd_rn(__dadd_rn(__dmul_rn(dx, dx), __dmul_rn(dy, dy)), __dmul_rn(dz, dz)));
}

// Cell of every point, and the number of points per cell.
extern "C" __global__ void k_cell_count(const double *pos, int n, double ox, double oy, double oz, double size, int gx, int gy, int gz, int *cell, int *count) {
	grid3 g = {ox, oy, oz, size, gx, gy, gz};
	GRID_STRIDE(i, n) {
		int cx = cell_coord(pos[3 * i], g.ox, g.size, g.dx);
		int cy = cell_coord(pos[3 * i + 1], g.oy, g.size, g.dy);
		int cz = cell_coord(pos[3 * i + 2], g.oz, g.size, g.dz);
		int c = (cz * g.dy + cy) * g.dx + cx;
		cell[i] = c;
		atomicAdd(&count[c], 1);
	}
}

// Points listed by cell; the order within a cell is arbitrary, which the
// sort of each receiver's senders makes irrelevant.
extern "C" __global__ void k_cell_fill(const int *cell, int n, const int *start, int *cursor, int *sorted) {
	GRID_STRIDE(i, n) {
		int c = cell[i];
		sorted[start[c] + atomicAdd(&cursor[c], 1)] = (int)i;
	}
}

// Returns the number of senders of receiver r and, unless out is null,
// writes them from out[0] on in the order the cells list them.
__device__ int visit_senders(const double *pos, int r, grid3 g, const int *start, const int *sorted,
	double radius, int *out) {
	int cx = cell_coord(pos[3 * r], g.ox, g.size, g.dx);
	int cy = cell_coord(pos[3 * r + 1], g.oy, g.size, g.dy);
	int cz = cell_coord(pos[3 * r + 2], g.oz, g.size, g.dz);
	int found = 0;
	for (int z = max_int(cz - 1, 0); z <= min_int(cz + 1, g.dz - 1); z++) {
		for (int y = max_int(cy - 1, 0); y <= min_int(cy + 1, g.dy - 1); y++) {
			for (int x = max_int(cx - 1, 0); x <= min_int(cx + 1, g.dx - 1); x++) {
				int k = (z * g.dy + y) * g.dx + x;
				for (int j = start[k]; j < start[k + 1]; j++) {
					int s = sorted[j];
					if (s != r && pair_distance(pos, s, r) < radius) {
						if (out != 0) {
							out[found] = s;
						}
						found++;
					}
				}
			}
		}
	}
	return found;
}

extern "C" __global__ void k_pair_count(const double *pos, int n, double ox, double oy, double oz, double size, int gx, int gy, int gz,
	const int *start, const int *sorted, double radius, int *count) {
	grid3 g = {ox, oy, oz, size, gx, gy, gz};
	GRID_STRIDE(r, n) { count[r] = visit_senders(pos, (int)r, g, start, sorted, radius, 0); }
}

// Senders of each receiver from offsets[r] on, sorted ascending by an
// insertion sort (a receiver has tens of senders), and the receivers.
extern "C" __global__ void k_pair_fill(const double *pos, int n, double ox, double oy, double oz, double size, int gx, int gy, int gz,
	const int *start, const int *sorted, double radius, const int *offsets, int *senders, int *receivers) {
	grid3 g = {ox, oy, oz, size, gx, gy, gz};
	GRID_STRIDE(r, n) {
		int *out = senders + offsets[r];
		int m = visit_senders(pos, (int)r, g, start, sorted, radius, out);
		for (int a = 1; a < m; a++) {
			int v = out[a], b = a - 1;
			while (b >= 0 && out[b] > v) {
				out[b + 1] = out[b];
				b--;
			}
			out[b + 1] = v;
		}
		for (int a = 0; a < m; a++) {
			receivers[offsets[r] + a] = (int)r;
		}
	}
}
