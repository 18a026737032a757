package org.gridpacs.dose.dicom;

import org.gridpacs.dose.engine.DoseResult;
import org.gridpacs.dose.phantom.Phantom;

/**
 * The grid an RT Dose is written on, in mm: the phantom's own grid, or a coarser one of {@code gridMm}. A coarse
 * voxel's dose is the plain mean of the phantom voxels whose centres fall inside it (equal-volume voxels, so this is
 * the volume mean, not a mass-weighted mean); its absolute uncertainty is sqrt(sum sigma^2) / N, which treats the
 * voxels' Monte Carlo errors as independent (neighbouring voxels share histories, so this is a lower bound). Along an
 * axis whose phantom spacing is already at least {@code gridMm}, the phantom's spacing is kept.
 *
 * @param x0 centre of voxel (0,0,0), mm (x, y, z likewise)
 * @param error absolute standard uncertainty, Gy
 */
record DoseGrid(int nx, int ny, int nz, double dx, double dy, double dz, double x0, double y0, double z0,
                float[] dose, float[] error) {

    /** @param withError false leaves {@link #error()} null (no uncertainty object is written) */
    static DoseGrid of(DoseResult result, double gridMm, boolean withError) {
        Phantom p = result.phantom();
        float[] d = result.dose();
        float[] u = result.uncertainty();
        Axis ax = Axis.of(p.nx, p.dx * 10, p.x0 * 10, gridMm);
        Axis ay = Axis.of(p.ny, p.dy * 10, p.y0 * 10, gridMm);
        Axis az = Axis.of(p.nz, p.dz * 10, p.z0 * 10, gridMm);
        int n = ax.count * ay.count * az.count;
        float[] dose;
        float[] error = withError ? new float[n] : null;
        if (ax.identity && ay.identity && az.identity) {
            dose = d; // read only: no copy of a CT-sized array
            for (int i = 0; withError && i < n; i++) {
                error[i] = (float) absolute(d[i], u == null ? 0 : u[i]);
            }
        } else {
            dose = new float[n];
            double[] sum = new double[n];
            double[] var = new double[n];
            int[] count = new int[n];
            for (int iz = 0; iz < p.nz; iz++) {
                for (int iy = 0; iy < p.ny; iy++) {
                    int row = ax.count * (ay.map[iy] + ay.count * az.map[iz]);
                    for (int ix = 0; ix < p.nx; ix++) {
                        int i = p.index(ix, iy, iz);
                        int c = row + ax.map[ix];
                        double e = absolute(d[i], u == null ? 0 : u[i]);
                        sum[c] += d[i];
                        var[c] += e * e;
                        count[c]++;
                    }
                }
            }
            for (int c = 0; c < n; c++) {
                dose[c] = (float) (sum[c] / count[c]);
                if (withError) {
                    error[c] = (float) (Math.sqrt(var[c]) / count[c]);
                }
            }
        }
        return new DoseGrid(ax.count, ay.count, az.count, ax.spacing, ay.spacing, az.spacing, ax.firstCentre,
                ay.firstCentre, az.firstCentre, dose, error);
    }

    private static double absolute(float dose, float relative) {
        double e = (double) dose * relative;
        return Double.isFinite(e) && e > 0 ? e : 0;
    }

    int index(int ix, int iy, int iz) {
        return ix + nx * (iy + ny * iz);
    }

    /** One axis: phantom index -> grid index. */
    private record Axis(int count, double spacing, double firstCentre, int[] map, boolean identity) {
        static Axis of(int n, double spacing, double corner, double gridMm) {
            int[] map = new int[n];
            if (gridMm <= spacing * (1 + 1e-9)) {
                for (int i = 0; i < n; i++) {
                    map[i] = i;
                }
                return new Axis(n, spacing, corner + spacing / 2, map, true);
            }
            for (int i = 0; i < n; i++) {
                map[i] = (int) Math.floor((i + 0.5) * spacing / gridMm);
            }
            return new Axis(map[n - 1] + 1, gridMm, corner + gridMm / 2, map, false);
        }
    }
}
