package org.gridpacs.dose.phantom;

import org.gridpacs.dose.physics.Media;

/**
 * Phantoms built by code. The beam (gantry 0) enters through the y = 0 face, which is the phantom surface; the
 * phantom is centred on x = 0, z = 0.
 */
public final class SyntheticPhantoms {
    /** Lung density of the slab phantom, g/cm3 (ICRU-44 lung, inflated). */
    public static final float LUNG_DENSITY = 0.26f;
    /** Bone density of the slab phantom, g/cm3 (ICRU-44 cortical bone). */
    public static final float BONE_DENSITY = 1.92f;

    private SyntheticPhantoms() {
    }

    /** Empty grid (air) of the given size (cm) and voxel sizes, surface at y = 0, centred in x and z. */
    public static Phantom grid(double sizeX, double sizeY, double sizeZ, double vx, double vy, double vz) {
        int nx = Math.max(1, (int) Math.round(sizeX / vx));
        int ny = Math.max(1, (int) Math.round(sizeY / vy));
        int nz = Math.max(1, (int) Math.round(sizeZ / vz));
        Phantom p = new Phantom(nx, ny, nz, vx, vy, vz, -nx * vx / 2, 0, -nz * vz / 2);
        p.fill(Media.AIR, 0.0012f);
        return p;
    }

    public static Phantom waterBox(double sizeX, double sizeY, double sizeZ, double vx, double vy, double vz) {
        Phantom p = grid(sizeX, sizeY, sizeZ, vx, vy, vz);
        p.fill(Media.WATER, 1.0f);
        return p;
    }

    /** Cubic voxels of size v, a 30 x 30 x 30 cm water box. */
    public static Phantom water(double v) {
        return waterBox(30, 30, 30, v, v, v);
    }

    /** Water 0-3 cm | lung (0.26 g/cm3) 3-10 cm | water 10-30 cm along the beam. */
    public static Phantom waterLungWater(double v) {
        Phantom p = water(v);
        p.slabY(3, 10, Media.LUNG, LUNG_DENSITY);
        return p;
    }

    /** Water 0-3 cm | cortical bone (1.92 g/cm3) 3-5 cm | water 5-30 cm along the beam. */
    public static Phantom waterBoneWater(double v) {
        Phantom p = water(v);
        p.slabY(3, 5, Media.BONE_ICRU, BONE_DENSITY);
        return p;
    }
}
