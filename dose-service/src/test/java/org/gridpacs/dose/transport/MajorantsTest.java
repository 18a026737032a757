package org.gridpacs.dose.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.physics.PhysicsTables;
import org.gridpacs.dose.physics.Rng;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.dose.source.Source;
import org.junit.jupiter.api.Test;

/** Regional Woodcock majorants: the regions tile the grid, bound every voxel's mu, and give the same dose. */
class MajorantsTest {
    private static final PhysicsTables TABLES = Media.tables(0.05, 0.2);

    /** The bench's heterogeneous phantom, smaller: water, lung 5-15 cm, bone 20-23 cm along y. */
    private static Phantom slabs(double voxel) {
        int nx = (int) Math.round(20 / voxel);
        int ny = (int) Math.round(30 / voxel);
        Phantom p = new Phantom(nx, ny, nx, voxel, voxel, voxel, -10, 0, -10);
        p.fill(Media.WATER, 1f);
        p.slabY(5, 15, Media.LUNG, 0.26f);
        p.slabY(20, 23, Media.BONE, 1.85f);
        return p;
    }

    /** A CT-like phantom: air around an elliptic body of noisy soft tissue with two lungs and a spine. */
    private static Phantom ctLike(long seed) {
        Phantom p = new Phantom(64, 48, 24, 0.5, 0.5, 0.5, -16, -12, -6);
        Random rnd = new Random(seed);
        for (int iz = 0; iz < p.nz; iz++) {
            for (int iy = 0; iy < p.ny; iy++) {
                for (int ix = 0; ix < p.nx; ix++) {
                    double x = p.centreX(ix);
                    double y = p.centreY(iy);
                    int i = p.index(ix, iy, iz);
                    byte m = Media.AIR;
                    float rho = 0.0012f;
                    if ((x / 14) * (x / 14) + (y / 10) * (y / 10) < 1) {
                        m = Media.SOFT_TISSUE;
                        rho = (float) (1.03 + 0.02 * rnd.nextGaussian());
                        if ((Math.abs(x) - 6) * (Math.abs(x) - 6) / 16 + y * y / 36 < 1) {
                            m = Media.LUNG;
                            rho = (float) (0.26 + 0.03 * rnd.nextGaussian());
                        } else if (x * x + (y - 7) * (y - 7) < 4) {
                            m = Media.BONE;
                            rho = (float) (1.5 + 0.2 * rnd.nextDouble());
                        }
                    }
                    p.material[i] = m;
                    p.density[i] = rho;
                }
            }
        }
        return p;
    }

    /** Regions tile the grid; each region's majorant bounds rho x mu of each of its voxels at every table point. */
    private static Majorants checkBounds(Phantom p) {
        Voxels vox = new Voxels(p, TABLES.count);
        Majorants mj = Majorants.build(TABLES, p, vox);
        int n = PhysicsTables.N;
        double[] mu = TABLES.muTotal;
        int[] owner = new int[p.voxels()];
        java.util.Arrays.fill(owner, -1);
        for (int k = 0; k < mj.regions(); k++) {
            int[] b = mj.regionBox(k);
            assertTrue(b[0] < b[1] && b[2] < b[3] && b[4] < b[5], "empty region " + k);
            java.util.Set<Integer> pairs = new java.util.HashSet<>();
            for (int iz = b[4]; iz < b[5]; iz++) {
                for (int iy = b[2]; iy < b[3]; iy++) {
                    for (int ix = b[0]; ix < b[1]; ix++) {
                        int i = p.index(ix, iy, iz);
                        if (owner[i] != -1) {
                            throw new AssertionError("voxel " + i + " in two regions");
                        }
                        owner[i] = k;
                        pairs.add(vox.pair == null ? i : (int) vox.pair[i]);
                        if (mj.regionPair(k) >= 0 && mj.regionPair(k) != vox.pair[i]) {
                            throw new AssertionError("region " + k + " is not uniform at voxel " + i);
                        }
                        // the transport's point location agrees with the boxes
                        if (mj.locate(p.centreX(ix), p.centreY(iy), p.centreZ(iz), 0.3, 0.8, 0.5) != k) {
                            throw new AssertionError("voxel " + i + " not located in region " + k);
                        }
                    }
                }
            }
            for (int c : pairs) {
                int off = vox.offset[c];
                for (int i = 0; i < n - 1; i++) {
                    double m = vox.rho[c] * Math.max(mu[off + i], mu[off + i + 1]);
                    if (!(mj.majorant(k, i) >= m)) {
                        throw new AssertionError("region " + k + " interval " + i + ": " + mj.majorant(k, i) + " < " + m);
                    }
                }
            }
        }
        for (int i = 0; i < owner.length; i++) {
            assertTrue(owner[i] >= 0, "voxel " + i + " in no region");
        }
        return mj;
    }

    @Test
    void slabPhantomGetsOneRegionPerSlab() {
        Phantom p = slabs(0.5);
        Majorants mj = checkBounds(p);
        assertEquals(5, mj.regions());
        // y boundaries at 5, 15, 20, 23 cm = rows 10, 30, 40, 46 (0.5 cm voxels), each region the whole x-z extent
        java.util.TreeSet<Integer> ylo = new java.util.TreeSet<>();
        for (int k = 0; k < 5; k++) {
            int[] b = mj.regionBox(k);
            assertArrayEquals(new int[] {0, p.nx, 0, p.nz}, new int[] {b[0], b[1], b[4], b[5]});
            ylo.add(b[2]);
            assertTrue(mj.regionPair(k) >= 0, "a slab is one (medium, density) pair");
        }
        assertEquals(java.util.List.of(0, 10, 30, 40, 46), java.util.List.copyOf(ylo));
        // a homogeneous region's majorant is its own medium's coefficient (up to the 1e-6 safety factor)
        int water = mj.locate(0, 2, 0, 0, 1, 0);
        int lung = mj.locate(0, 10, 0, 0, 1, 0);
        int ie = (int) TABLES.position(1.25);
        double muWater = 1.0 * Math.max(TABLES.muTotal[Media.WATER * PhysicsTables.N + ie], TABLES.muTotal[Media.WATER * PhysicsTables.N + ie + 1]);
        assertEquals(muWater, mj.majorant(water, ie), 2e-6 * muWater);
        assertTrue(mj.majorant(lung, ie) < 0.3 * mj.majorant(water, ie));
        // on a boundary plane, the direction decides: y = 5 cm moving +y is lung, moving -y water
        assertEquals(lung, mj.locate(0, 5.0, 0, 0, 1, 0));
        assertEquals(water, mj.locate(0, 5.0, 0, 0, -1, 0));
    }

    @Test
    void ctLikePhantomBoundsHold() {
        for (long seed = 1; seed <= 3; seed++) {
            Majorants mj = checkBounds(ctLike(seed));
            System.out.println("CT-like phantom " + seed + ": " + mj.regions() + " regions");
            assertTrue(mj.regions() > 3 && mj.regions() < 2000, "regions " + mj.regions());
        }
    }

    @Test
    void globalMajorantIsOneRegion() {
        Phantom p = slabs(1.0);
        Voxels vox = new Voxels(p, TABLES.count);
        Majorants g = Majorants.global(TABLES, p, vox);
        assertEquals(1, g.regions());
        int n = PhysicsTables.N;
        for (int i = 0; i < n - 1; i++) {
            double mx = 0;
            for (int m = 0; m < TABLES.count; m++) {
                mx = Math.max(mx, vox.rhoMax[m] * Math.max(TABLES.muTotal[m * n + i], TABLES.muTotal[m * n + i + 1]));
            }
            assertEquals(mx * 1.000001 + 1e-30, g.majorant(0, i), 0.0);
        }
    }

    /** Photons travelling exactly in region faces, along edges and through corners: no loop, energy conserved. */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void photonsAlongFacesAndEdges() {
        Phantom p = slabsAndBlocks();
        Voxels vox = new Voxels(p, TABLES.count);
        Majorants mj = Majorants.build(TABLES, p, vox);
        // the block's faces: x = -10 + 22 x 0.5 = 1, z = -10 + 16 x 0.5 = -2, y = 25; the lung's front face y = 5
        double s3 = 1 / Math.sqrt(3);
        double[][] rays = {
            {1.0, -5, -2.0, 0, 1, 0}, // along the edge of two block faces, through the slabs' faces
            {1.0, -5, 0.0, 0, 1, 0}, // in a block face
            {-20, 5.0, 0.0, 1, 0, 0}, // in the lung's front face, entering from the side
            {-20, 25.0, -2.0, 1, 0, 0}, // along an edge of the block
            {1.0 - 3, 25.0 - 3, -2.0 - 3, s3, s3, s3}, // through a block corner
            {-10, 0, -10, s3, s3, s3}, // from the phantom's corner
        };
        Source src = new Source() {
            private int k;

            @Override
            public void emit(Rng rng, double[] q) {
                double[] r = rays[k++ % rays.length];
                q[0] = PHOTON;
                q[1] = 0.2 + 5 * rng.uniform();
                System.arraycopy(r, 0, q, 2, 6);
            }

            @Override
            public double maxEnergy() {
                return 5.2;
            }
        };
        Transport tr = new Transport(TABLES, p, vox, mj, 0.05, 0.2, 0.2, src.maxEnergy());
        double[] edep = new double[p.voxels()];
        tr.startBatch(new Rng(5, 0), edep);
        double entering = 0;
        for (int h = 0; h < 60_000; h++) {
            entering += tr.history(src);
        }
        tr.endBatch();
        double in = 0;
        for (double d : edep) {
            in += d;
        }
        assertTrue(in > 0.1 * entering);
        assertEquals(entering, in + tr.escaped, 1e-9 * entering);
    }

    /** Batch means and standard errors of the energy per y layer (last entry: energy escaped), per history. */
    private static double[][] layers(Phantom p, Majorants mj, Source src, int batches, int perBatch) {
        Voxels vox = new Voxels(p, TABLES.count);
        Transport tr = new Transport(TABLES, p, vox, mj, 0.05, 0.2, 0.2, src.maxEnergy());
        int k = p.ny + 1;
        double[] sum = new double[k];
        double[] sq = new double[k];
        double[] edep = new double[p.voxels()];
        double entering = 0;
        double out = 0;
        double in = 0;
        for (int b = 0; b < batches; b++) {
            java.util.Arrays.fill(edep, 0);
            tr.startBatch(new Rng(77, b), edep);
            for (int h = 0; h < perBatch; h++) {
                entering += tr.history(src);
            }
            tr.endBatch();
            double[] layer = new double[k];
            for (int i = 0; i < edep.length; i++) {
                layer[(i / p.nx) % p.ny] += edep[i];
                in += edep[i];
            }
            layer[p.ny] = tr.escaped;
            out += tr.escaped;
            for (int j = 0; j < k; j++) {
                double v = layer[j] / perBatch;
                sum[j] += v;
                sq[j] += v * v;
            }
        }
        assertEquals(entering, in + out, 1e-9 * entering, "energy balance");
        double[][] r = new double[2][k];
        for (int j = 0; j < k; j++) {
            double m = sum[j] / batches;
            r[0][j] = m;
            r[1][j] = Math.sqrt(Math.max(0, sq[j] / batches - m * m) / (batches - 1));
        }
        return r;
    }

    /** The slab phantom with a bone block and an air cavity off the axis, so that the regions are not only slabs. */
    private static Phantom slabsAndBlocks() {
        Phantom p = slabs(0.5);
        // and a bone block and an air cavity off the axis, so that the regions are not only slabs
        for (int iz = 16; iz < 24; iz++) {
            for (int iy = 50; iy < 56; iy++) {
                for (int ix = 22; ix < 30; ix++) {
                    int i = p.index(ix, iy, iz);
                    p.material[i] = Media.BONE;
                    p.density[i] = 1.6f;
                    p.material[i - 14] = Media.AIR;
                    p.density[i - 14] = 0.0012f;
                }
            }
        }
        return p;
    }

    /**
     * Same physics: the energy per depth layer (and escaped) with regional majorants agrees statistically with
     * global-majorant tracking. (The CT-like phantom's air layers hold few, skewed deposits: z has heavier tails there.)
     */
    @Test
    void regionalTrackingAgreesWithGlobal() {
        agree("slabs and blocks", slabsAndBlocks(), 5);
        agree("CT-like", ctLike(4), 3);
    }

    private static void agree(String name, Phantom p, int minRegions) {
        Voxels vox = new Voxels(p, TABLES.count);
        Majorants regional = Majorants.build(TABLES, p, vox);
        assertTrue(regional.regions() > minRegions, "regions " + regional.regions());
        Source src = new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 8, 8, 0, 0, 0));
        double[][] a = layers(p, Majorants.global(TABLES, p, vox), src, 20, 15_000);
        double[][] b = layers(p, regional, src, 20, 15_000);
        double z2 = 0;
        double zMax = 0;
        for (int j = 0; j < a[0].length; j++) {
            double z = (b[0][j] - a[0][j]) / Math.hypot(a[1][j], b[1][j]);
            z2 += z * z;
            zMax = Math.max(zMax, Math.abs(z));
        }
        z2 /= a[0].length;
        System.out.printf("regional vs global majorant, %s (%d regions): %d layers + escaped, mean z^2 %.3f, max |z| %.2f%n",
                name, regional.regions(), a[0].length - 1, z2, zMax);
        assertTrue(zMax < 4.5, "max |z| " + zMax);
        assertTrue(z2 > 0.3 && z2 < 2.5, "mean z^2 " + z2);
    }
}
