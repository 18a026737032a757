package org.gridpacs.dose.phantom;

import org.gridpacs.dose.physics.Media;

/**
 * A voxel grid: mass density (g/cm3) and medium index ({@link Media}) per voxel in flat arrays,
 * index = ix + nx*(iy + ny*iz). Coordinates in cm (patient/DICOM axes: x left, y posterior, z superior);
 * {@code x0,y0,z0} is the outer corner of voxel (0,0,0). Serializable because a dose job sends it to the machines
 * that run its batches.
 */
public final class Phantom implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final int nx;
    public final int ny;
    public final int nz;
    public final double dx;
    public final double dy;
    public final double dz;
    public final double x0;
    public final double y0;
    public final double z0;
    public final float[] density;
    public final byte[] material;

    public Phantom(int nx, int ny, int nz, double dx, double dy, double dz, double x0, double y0, double z0) {
        if (nx < 1 || ny < 1 || nz < 1 || dx <= 0 || dy <= 0 || dz <= 0) {
            throw new IllegalArgumentException("bad grid " + nx + "x" + ny + "x" + nz);
        }
        long n = (long) nx * ny * nz;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("grid too large");
        }
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.dx = dx;
        this.dy = dy;
        this.dz = dz;
        this.x0 = x0;
        this.y0 = y0;
        this.z0 = z0;
        density = new float[(int) n];
        material = new byte[(int) n];
    }

    public int voxels() {
        return density.length;
    }

    public int index(int ix, int iy, int iz) {
        return ix + nx * (iy + ny * iz);
    }

    public double voxelVolume() {
        return dx * dy * dz;
    }

    /** Voxel index containing the point, or -1 outside. */
    public int indexAt(double x, double y, double z) {
        double fx = (x - x0) / dx;
        double fy = (y - y0) / dy;
        double fz = (z - z0) / dz;
        if (fx < 0 || fy < 0 || fz < 0 || fx >= nx || fy >= ny || fz >= nz) {
            return -1;
        }
        return index((int) fx, (int) fy, (int) fz);
    }

    public double centreX(int ix) {
        return x0 + (ix + 0.5) * dx;
    }

    public double centreY(int iy) {
        return y0 + (iy + 0.5) * dy;
    }

    public double centreZ(int iz) {
        return z0 + (iz + 0.5) * dz;
    }

    public void fill(byte medium, float rho) {
        java.util.Arrays.fill(material, medium);
        java.util.Arrays.fill(density, rho);
    }

    /** Sets all voxels whose centre has y in [yFrom, yTo) to the medium and density (slabs across the beam). */
    public void slabY(double yFrom, double yTo, byte medium, float rho) {
        for (int iy = 0; iy < ny; iy++) {
            double c = centreY(iy);
            if (c >= yFrom && c < yTo) {
                for (int iz = 0; iz < nz; iz++) {
                    for (int ix = 0; ix < nx; ix++) {
                        int i = index(ix, iy, iz);
                        material[i] = medium;
                        density[i] = rho;
                    }
                }
            }
        }
    }
}
