package org.gridpacs.dose.transport;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Compton;
import org.gridpacs.dose.physics.FastLog;
import org.gridpacs.dose.physics.Moller;
import org.gridpacs.dose.physics.PhysicsTables;
import org.gridpacs.dose.physics.Rng;
import org.gridpacs.dose.source.Source;

/**
 * The Monte Carlo inner loop for one thread: photons by Woodcock (delta) tracking, electrons and positrons by
 * condensed history with steps ending on voxel boundaries. Not thread-safe; one instance per worker thread,
 * reused across batches (no allocation per particle: a primitive-array stack holds secondaries).
 *
 * <p>Physics (docs/dose-engine.md): Compton (Klein-Nishina, Kahn), photoelectric absorption (photoelectron takes the
 * whole energy, no fluorescence), pair production (uniform energy sharing, pair emitted forward), coherent scattering
 * neglected. Electrons: class II condensed history - continuous restricted loss from the range table, discrete
 * bremsstrahlung above kc (1/k spectrum, emitted forward) and discrete Moller collisions above wcc (delta electrons
 * transported, or deposited on the spot below the electron cut-off; two-body kinematics), multiple scattering per
 * step from a Highland scattering power. Positrons are transported as electrons (Moller, as in DPM) and annihilate
 * at rest into two 0.511 MeV photons.
 */
public final class Transport {
    private static final double TWO_M = 2 * PhysicsTables.ELECTRON_MASS;
    private static final double INV_M = 1 / PhysicsTables.ELECTRON_MASS;
    private static final int PHOTON = Source.PHOTON;
    private static final int POSITRON = Source.POSITRON;

    private final PhysicsTables t;
    private final double[] muTotal;
    private final double[] muCompton;
    private final double[] muPhoto;
    private final double[] range;
    private final double[] brems;
    private final double[] moller;
    private final double[] hardMax;
    private final double[] msPower;
    /** Regional Woodcock majorants ({@link Majorants}): tables per level, and the regions' tree. */
    private final double[] majorant;
    /** 1 / majorant. */
    private final double[] invMajorant;
    private final Majorants regions;
    private final int[] leafTable;
    private final int[] leafPair;
    private final int[] leafBox;
    private final double[] leafBounds;
    /** Per region: its bounds in voxel units (index, as doubles), for the test of a tentative collision. */
    private final double[] leafVoxels;
    private final double[] rangeCut;
    /** Per voxel: index of its (medium, density) pair, or null when that index is the voxel index ({@link Voxels}). */
    private final char[] pairOf;
    private final double[] pairRho;
    private final int[] pairMedium;
    private final int[] pairOffset;
    private final double[] pairInvRho;
    private final int nx;
    private final int ny;
    private final int nz;
    private final double dx;
    private final double dy;
    private final double dz;
    private final double idx;
    private final double idy;
    private final double idz;
    private final double x0;
    private final double y0;
    private final double z0;
    private final double x1;
    private final double y1;
    private final double z1;
    private final double lnEmin;
    private final double invDl;
    private final double pcut;
    private final double ecut;
    private final double stepFraction;
    private final double kc;
    private final double wcc;

    /** Energy deposited per voxel in the current batch, MeV (complete after {@link #endBatch()}). */
    public double[] edep;
    /** Energy carried out of the phantom (photons, electrons, positrons with their rest mass), MeV. */
    public double escaped;
    private Rng rng;

    // secondary particle stack
    private int sp;
    private int[] sType = new int[64];
    private double[] sE = new double[64];
    private double[] sX = new double[64];
    private double[] sY = new double[64];
    private double[] sZ = new double[64];
    private double[] sU = new double[64];
    private double[] sV = new double[64];
    private double[] sW = new double[64];
    /** Region the particle starts in (a hint for electrons, see electron()), or -1. */
    private int[] sRegion = new int[64];
    private final double[] primary = new double[8];

    // buffered energy deposits (voxel, MeV), see deposit()
    private static final int DEPOSIT_BUFFER = 2048;
    private final int[] depositVoxel = new int[DEPOSIT_BUFFER];
    private final double[] depositEnergy = new double[DEPOSIT_BUFFER];
    private int deposits;

    // scratch: direction after rotate()
    private double ru;
    private double rv;
    private double rw;

    /**
     * @param voxels the phantom's voxels as built once per run and shared by the workers
     * @param majorants the regional majorants built from them, also shared
     */
    public Transport(PhysicsTables tables, Phantom ph, Voxels voxels, Majorants majorants, double photonCut,
                     double electronCut, double stepFraction, double maxEnergy) {
        this.t = tables;
        muTotal = tables.muTotal;
        muCompton = tables.muCompton;
        muPhoto = tables.muPhoto;
        range = tables.range;
        brems = tables.brems;
        moller = tables.moller;
        hardMax = tables.hardMax;
        wcc = tables.wcc;
        msPower = tables.msPower;
        pairOf = voxels.pair;
        pairRho = voxels.rho;
        pairMedium = voxels.medium;
        pairOffset = voxels.offset;
        pairInvRho = voxels.invRho;
        nx = ph.nx;
        ny = ph.ny;
        nz = ph.nz;
        dx = ph.dx;
        dy = ph.dy;
        dz = ph.dz;
        idx = 1 / dx;
        idy = 1 / dy;
        idz = 1 / dz;
        x0 = ph.x0;
        y0 = ph.y0;
        z0 = ph.z0;
        x1 = x0 + nx * dx;
        y1 = y0 + ny * dy;
        z1 = z0 + nz * dz;
        lnEmin = tables.lnEmin;
        invDl = tables.invDl;
        pcut = photonCut;
        ecut = electronCut;
        this.stepFraction = stepFraction;
        kc = tables.kc;
        if (maxEnergy > PhysicsTables.E_MAX || photonCut < PhysicsTables.E_MIN || electronCut < PhysicsTables.E_MIN) {
            throw new IllegalArgumentException("energies outside the tables " + PhysicsTables.E_MIN + "-" + PhysicsTables.E_MAX);
        }
        if (!majorants.sameGrid(ph)) {
            throw new IllegalArgumentException("majorants built for another grid");
        }
        regions = majorants;
        majorant = majorants.table;
        invMajorant = majorants.invTable;
        leafTable = majorants.leafTable;
        leafPair = majorants.leafPair;
        leafBox = majorants.leafBox;
        leafBounds = majorants.leafBounds;
        leafVoxels = majorants.leafVoxels;
        int count = tables.count;
        rangeCut = new double[count];
        for (int m = 0; m < count; m++) {
            rangeCut[m] = tables.lookup(range, m, electronCut);
        }
    }

    public void startBatch(Rng rng, double[] edep) {
        this.rng = rng;
        this.edep = edep;
        escaped = 0;
        sp = 0;
        deposits = 0;
    }

    /** Adds the deposits still buffered to {@link #edep}: call at the end of a batch, before reading it. */
    public void endBatch() {
        double[] d = edep;
        int[] v = depositVoxel;
        double[] e = depositEnergy;
        for (int i = 0; i < deposits; i++) {
            d[v[i]] += e[i];
        }
        deposits = 0;
    }

    /**
     * Scores energy e in voxel vox. Deposits are buffered and added to {@link #edep} in bursts: the energy array of a
     * large phantom is far bigger than the caches, and an interaction site is a random voxel, so an immediate update
     * would stall the transport on a cache miss; in the burst the misses of independent updates overlap.
     */
    private void deposit(int vox, double e) {
        int k = deposits;
        depositVoxel[k] = vox;
        depositEnergy[k] = e;
        deposits = ++k;
        if (k == DEPOSIT_BUFFER) {
            endBatch();
        }
    }

    private double pos(double e) {
        double x = (FastLog.ln(e) - lnEmin) * invDl;
        return x < 0 ? 0 : (x > PhysicsTables.N - 1.000001 ? PhysicsTables.N - 1.000001 : x);
    }

    /** Linear interpolation at fractional grid position x in the table of the medium at offset {@code off}. */
    private static double at(double[] tab, int off, double x) {
        int i = (int) x;
        int k = off + i;
        return tab[k] + (x - i) * (tab[k + 1] - tab[k]);
    }

    /** One history from the source; returns the energy the primary carried (MeV). */
    public double history(Source source) {
        double[] p = primary;
        source.emit(rng, p);
        int type = (int) p[0];
        run(type, p[1], p[2], p[3], p[4], p[5], p[6], p[7], -1);
        while (sp > 0) {
            sp--;
            run(sType[sp], sE[sp], sX[sp], sY[sp], sZ[sp], sU[sp], sV[sp], sW[sp], sRegion[sp]);
        }
        return type == POSITRON ? p[1] + TWO_M : p[1];
    }

    private void run(int type, double e, double x, double y, double z, double u, double v, double w, int region) {
        if (type == PHOTON) {
            photon(e, x, y, z, u, v, w);
        } else {
            electron(e, x, y, z, u, v, w, type == POSITRON, region);
        }
    }

    private void push(int type, double e, double x, double y, double z, double u, double v, double w, int region) {
        if (sp == sType.length) {
            int n = sp * 2;
            sType = java.util.Arrays.copyOf(sType, n);
            sE = java.util.Arrays.copyOf(sE, n);
            sX = java.util.Arrays.copyOf(sX, n);
            sY = java.util.Arrays.copyOf(sY, n);
            sZ = java.util.Arrays.copyOf(sZ, n);
            sU = java.util.Arrays.copyOf(sU, n);
            sV = java.util.Arrays.copyOf(sV, n);
            sW = java.util.Arrays.copyOf(sW, n);
            sRegion = java.util.Arrays.copyOf(sRegion, n);
        }
        sType[sp] = type;
        sE[sp] = e;
        sX[sp] = x;
        sY[sp] = y;
        sZ[sp] = z;
        sU[sp] = u;
        sV[sp] = v;
        sW[sp] = w;
        sRegion[sp] = region;
        sp++;
    }

    /** Distance along (u,v,w) to enter the box from outside, 0 if inside, negative if it misses. */
    private double entry(double x, double y, double z, double u, double v, double w) {
        double tmin = 0;
        double tmax = Double.POSITIVE_INFINITY;
        if (u != 0) {
            double a = (x0 - x) / u;
            double b = (x1 - x) / u;
            tmin = Math.max(tmin, Math.min(a, b));
            tmax = Math.min(tmax, Math.max(a, b));
        } else if (x < x0 || x >= x1) {
            return -1;
        }
        if (v != 0) {
            double a = (y0 - y) / v;
            double b = (y1 - y) / v;
            tmin = Math.max(tmin, Math.min(a, b));
            tmax = Math.min(tmax, Math.max(a, b));
        } else if (y < y0 || y >= y1) {
            return -1;
        }
        if (w != 0) {
            double a = (z0 - z) / w;
            double b = (z1 - z) / w;
            tmin = Math.max(tmin, Math.min(a, b));
            tmax = Math.min(tmax, Math.max(a, b));
        } else if (z < z0 || z >= z1) {
            return -1;
        }
        return tmin < tmax ? tmin : -1;
    }

    private void photon(double e, double x, double y, double z, double u, double v, double w) {
        double te = entry(x, y, z, u, v, w);
        if (te < 0) {
            escaped += e;
            return;
        }
        // onto the phantom's surface (closed box: rounding may leave the entry point just outside)
        x += te * u;
        y += te * v;
        z += te * w;
        x = x < x0 ? x0 : (x > x1 ? x1 : x);
        y = y < y0 ? y0 : (y > y1 ? y1 : y);
        z = z < z0 ? z0 : (z > z1 ? z1 : z);
        int leaf = regions.locate(x, y, z, u, v, w);
        final double[] lv = leafVoxels;
        while (true) {
            // Woodcock tracking to the next real interaction, region by region: the optical depth tau is spent
            // against each region's majorant; a tentative collision inside the region is real with probability
            // mu / majorant, and at the region's face the photon moves on to the next region with the depth left
            double xp = pos(e);
            int ie = (int) xp;
            double mu;
            int vox;
            int off;
            double r;
            double tau = -FastLog.ln(rng.open());
            int tab = leafTable[leaf] + ie;
            int b = 6 * leaf;
            int one = leafPair[leaf];
            while (true) {
                double s = tau * invMajorant[tab];
                double nx1 = x + s * u;
                double ny1 = y + s * v;
                double nz1 = z + s * w;
                double fx = (nx1 - x0) * idx;
                double fy = (ny1 - y0) * idy;
                double fz = (nz1 - z0) * idz;
                int ix;
                int iy;
                int iz;
                if (fx >= lv[b] && fx < lv[b + 1] && fy >= lv[b + 2] && fy < lv[b + 3] && fz >= lv[b + 4] && fz < lv[b + 5]) {
                    ix = (int) fx;
                    iy = (int) fy;
                    iz = (int) fz;
                } else {
                    // the tentative collision is beyond the region (rare: out of line, keeps the loop small)
                    int k = beyondRegion(b, x, y, z, u, v, w, s, tau, majorant[tab], fx, fy, fz);
                    if (k == CROSSED) {
                        x = cx;
                        y = cy;
                        z = cz;
                        tau = ctau;
                        leaf = cleaf;
                        tab = leafTable[leaf] + ie;
                        b = 6 * leaf;
                        one = leafPair[leaf];
                        continue;
                    }
                    if (k == ESCAPED) {
                        escaped += e;
                        return;
                    }
                    ix = cix;
                    iy = ciy;
                    iz = ciz;
                }
                x = nx1;
                y = ny1;
                z = nz1;
                vox = ix + nx * (iy + ny * iz);
                // in a region of one pair, no read of the voxel (a cache miss at a random voxel of a large grid)
                int c = one >= 0 ? one : (pairOf == null ? vox : pairOf[vox]);
                off = pairOffset[c];
                r = pairRho[c];
                mu = r * at(muTotal, off, xp);
                if (rng.uniform() * majorant[tab] < mu) {
                    break;
                }
                tau = -FastLog.ln(rng.open());
            }
            if (e < pcut) {
                deposit(vox, e);
                return;
            }
            int kind = select(muCompton, muPhoto, off, xp, mu / r, rng);
            if (kind == 0) {
                double k = e * INV_M;
                double eta = Compton.sampleEta(k, rng);
                double cos = 1 - (eta - 1) / k;
                double e1 = e / eta;
                double te1 = e - e1;
                rotate(u, v, w, cos);
                double nu = ru;
                double nv = rv;
                double nw = rw;
                if (te1 > ecut) {
                    double pu = e * u - e1 * nu;
                    double pv = e * v - e1 * nv;
                    double pw = e * w - e1 * nw;
                    double inv = 1 / Math.sqrt(pu * pu + pv * pv + pw * pw);
                    push(Source.ELECTRON, te1, x, y, z, pu * inv, pv * inv, pw * inv, leaf);
                } else {
                    deposit(vox, te1);
                }
                u = nu;
                v = nv;
                w = nw;
                e = e1;
                if (e < pcut) {
                    deposit(vox, e);
                    return;
                }
            } else if (kind == 1) {
                if (e > ecut) {
                    push(Source.ELECTRON, e, x, y, z, u, v, w, leaf);
                } else {
                    deposit(vox, e);
                }
                return;
            } else {
                double kin = e - TWO_M;
                if (kin <= 0) { // cannot happen above threshold; keep the energy balance
                    deposit(vox, e);
                    return;
                }
                double t1 = kin * rng.uniform();
                double t2 = kin - t1;
                if (t1 > ecut) {
                    push(Source.ELECTRON, t1, x, y, z, u, v, w, leaf);
                } else {
                    deposit(vox, t1);
                }
                if (t2 > ecut) {
                    push(POSITRON, t2, x, y, z, u, v, w, leaf);
                } else {
                    deposit(vox, t2);
                    annihilate(x, y, z);
                }
                return;
            }
        }
    }

    private static final int CROSSED = 0;
    private static final int ESCAPED = 1;
    private static final int INSIDE = 2;
    // results of beyondRegion()
    private double cx;
    private double cy;
    private double cz;
    private double ctau;
    private int cleaf;
    private int cix;
    private int ciy;
    private int ciz;

    /**
     * A photon at (x,y,z) in the region at offset b (6 x region) whose tentative collision at distance s, voxel
     * coordinates (fx,fy,fz), lies outside the region: moves it to the region's exit face, snapped exactly onto the
     * face (= the neighbour's bound), spending the optical depth t x majorant ({@link #CROSSED}: position, depth left
     * and next region in cx, cy, cz, ctau, cleaf), or reports that the face is the phantom's ({@link #ESCAPED}), or,
     * when the exit distance is not shorter than s (rounding at a face), that the collision is in this region after
     * all ({@link #INSIDE}: the voxel, clamped into the region, in cix, ciy, ciz).
     */
    private int beyondRegion(int b, double x, double y, double z, double u, double v, double w, double s, double tau,
                             double muMax, double fx, double fy, double fz) {
        double[] lb = leafBounds;
        int[] lbox = leafBox;
        double tx = u > 0 ? (lb[b + 1] - x) / u : (u < 0 ? (lb[b] - x) / u : Double.POSITIVE_INFINITY);
        double ty = v > 0 ? (lb[b + 3] - y) / v : (v < 0 ? (lb[b + 2] - y) / v : Double.POSITIVE_INFINITY);
        double tz = w > 0 ? (lb[b + 5] - z) / w : (w < 0 ? (lb[b + 4] - z) / w : Double.POSITIVE_INFINITY);
        int exitAxis = 0;
        double t = tx;
        if (ty < t) {
            t = ty;
            exitAxis = 1;
        }
        if (tz < t) {
            t = tz;
            exitAxis = 2;
        }
        if (t >= s) {
            cix = Math.min(Math.max((int) fx, lbox[b]), lbox[b + 1] - 1);
            ciy = Math.min(Math.max((int) fy, lbox[b + 2]), lbox[b + 3] - 1);
            ciz = Math.min(Math.max((int) fz, lbox[b + 4]), lbox[b + 5] - 1);
            return INSIDE;
        }
        if (t < 0) {
            t = 0;
        }
        boolean out;
        x += t * u;
        y += t * v;
        z += t * w;
        if (exitAxis == 0) {
            x = u > 0 ? lb[b + 1] : lb[b];
            out = u > 0 ? lbox[b + 1] == nx : lbox[b] == 0;
        } else if (exitAxis == 1) {
            y = v > 0 ? lb[b + 3] : lb[b + 2];
            out = v > 0 ? lbox[b + 3] == ny : lbox[b + 2] == 0;
        } else {
            z = w > 0 ? lb[b + 5] : lb[b + 4];
            out = w > 0 ? lbox[b + 5] == nz : lbox[b + 4] == 0;
        }
        if (out) {
            return ESCAPED;
        }
        double left = tau - t * muMax;
        ctau = left < 0 ? 0 : left;
        cx = x;
        cy = y;
        cz = z;
        cleaf = regions.locate(x, y, z, u, v, w);
        return CROSSED;
    }

    /**
     * Chooses the interaction at a real collision: 0 Compton, 1 photoelectric, 2 pair, with probabilities
     * proportional to the tabulated partial coefficients (mass coefficients, total {@code muTot}).
     */
    private static int select(double[] muC, double[] muP, int off, double xp, double muTot, Rng rng) {
        double sel = rng.uniform() * muTot;
        double c = at(muC, off, xp);
        if (sel < c) {
            return 0;
        }
        return sel < c + at(muP, off, xp) ? 1 : 2;
    }

    /** The interaction selection of the transport loop, for tests: 0 Compton, 1 photoelectric, 2 pair. */
    public static int selectInteraction(PhysicsTables t, int m, double e, Rng rng) {
        double xp = t.position(e);
        int off = m * PhysicsTables.N;
        return select(t.muCompton, t.muPhoto, off, xp, at(t.muTotal, off, xp), rng);
    }

    /**
     * 1 - cos(theta) of the multiple scattering over a step: exponential of mean {@code a} (theta0^2 / 2 of the
     * small-angle Gaussian) truncated to [0, 2]. For a &lt; 1/2 by rejection of untruncated samples above 2 (accepted
     * with probability 1 - exp(-2/a) &gt; 98%; no exponential function), otherwise by inversion of the truncated
     * distribution. Both give exactly the truncated exponential.
     */
    public static double scatteringOneMinusCos(double a, Rng rng) {
        if (a < 0.5) {
            double x;
            do {
                x = -a * FastLog.ln(rng.open());
            } while (x > 2);
            return x;
        }
        double x = -a * FastLog.ln(1 - rng.uniform() * (1 - Math.exp(-2 / a)));
        return x > 2 ? 2 : x;
    }

    /** Two 0.511 MeV photons back to back, isotropic. */
    private void annihilate(double x, double y, double z) {
        double cw = 2 * rng.uniform() - 1;
        double a;
        double b;
        double r2;
        do {
            a = 2 * rng.uniform() - 1;
            b = 2 * rng.uniform() - 1;
            r2 = a * a + b * b;
        } while (r2 > 1 || r2 == 0);
        double s = Math.sqrt((1 - cw * cw) / r2);
        double cu = a * s;
        double cv = b * s;
        double half = PhysicsTables.ELECTRON_MASS;
        push(PHOTON, half, x, y, z, cu, cv, cw, -1);
        push(PHOTON, half, x, y, z, -cu, -cv, -cw, -1);
    }

    /** New direction at polar cosine cos from (u,v,w), azimuth uniform; result in ru, rv, rw. */
    private void rotate(double u, double v, double w, double cos) {
        double a;
        double b;
        double r2;
        do {
            a = 2 * rng.uniform() - 1;
            b = 2 * rng.uniform() - 1;
            r2 = a * a + b * b;
        } while (r2 > 1 || r2 == 0);
        double ir2 = 1 / r2;
        double cphi = (a * a - b * b) * ir2;
        double sphi = 2 * a * b * ir2;
        double sin2 = Math.max(0, 1 - cos * cos);
        double nu;
        double nv;
        double nw;
        double tw = 1 - w * w;
        if (tw > 1e-10) {
            // f = sin(theta) / sqrt(1 - w^2); sin(theta) sqrt(1 - w^2) = f (1 - w^2)
            double f = Math.sqrt(sin2 / tw);
            nu = u * cos + f * (u * w * cphi - v * sphi);
            nv = v * cos + f * (v * w * cphi + u * sphi);
            nw = w * cos - f * tw * cphi;
        } else {
            double sin = Math.sqrt(sin2);
            nu = sin * cphi;
            nv = sin * sphi;
            nw = w < 0 ? -cos : cos;
        }
        // renormalise against rounding drift: |n|^2 = 1 + d with |d| ~ 1e-16, and 1/sqrt(1 + d) = 1 - d/2 + O(d^2)
        // (one Newton step from 1), exact in double precision without a square root and a division
        double inv = 1.5 - 0.5 * (nu * nu + nv * nv + nw * nw);
        ru = nu * inv;
        rv = nv * inv;
        rw = nw * inv;
    }

    /**
     * @param region a region the electron is likely in (where the photon interacted), or -1: if that region holds
     *        one (medium, density) pair, the steps inside its box use that pair without reading the voxel's (a cache
     *        miss at the random interaction site of a large grid); the same pair, so the same physics
     */
    private void electron(double e, double x, double y, double z, double u, double v, double w, boolean positron,
                          int region) {
        double fx = (x - x0) * idx;
        double fy = (y - y0) * idy;
        double fz = (z - z0) * idz;
        if (fx < 0 || fy < 0 || fz < 0 || fx >= nx || fy >= ny || fz >= nz) {
            escaped += positron ? e + TWO_M : e;
            return;
        }
        int ix = (int) fx;
        int iy = (int) fy;
        int iz = (int) fz;
        // mean free paths to the next hard event (bremsstrahlung above kc or Moller above wcc), counted against the
        // majorant hardMax: each step uses the majorant at its starting energy, which bounds the real cross section
        // at every energy the step passes; at an event the real process is chosen, or none (a null event)
        double mfp = -FastLog.ln(rng.open());
        int ub = region >= 0 && leafPair[region] >= 0 ? 6 * region : -1;
        int upair = ub >= 0 ? leafPair[region] : 0;
        final int[] lbox = leafBox;
        while (true) {
            int vox = ix + nx * (iy + ny * iz);
            int c = ub >= 0 && ix >= lbox[ub] && ix < lbox[ub + 1] && iy >= lbox[ub + 2] && iy < lbox[ub + 3]
                    && iz >= lbox[ub + 4] && iz < lbox[ub + 5] ? upair : (pairOf == null ? vox : pairOf[vox]);
            int m = pairMedium[c];
            int off = pairOffset[c];
            double r = pairRho[c];
            if (e <= ecut) {
                deposit(vox, e);
                if (positron) {
                    annihilate(x, y, z);
                }
                return;
            }
            double xp = pos(e);
            double rr = at(range, off, xp); // g/cm2
            // distance to the voxel boundary
            double sx = u > 0 ? (x0 + (ix + 1) * dx - x) / u : u < 0 ? (x0 + ix * dx - x) / u : Double.POSITIVE_INFINITY;
            double sy = v > 0 ? (y0 + (iy + 1) * dy - y) / v : v < 0 ? (y0 + iy * dy - y) / v : Double.POSITIVE_INFINITY;
            double sz = w > 0 ? (z0 + (iz + 1) * dz - z) / w : w < 0 ? (z0 + iz * dz - z) / w : Double.POSITIVE_INFINITY;
            int axis = 0;
            double sGeo = sx;
            if (sy < sGeo) {
                sGeo = sy;
                axis = 1;
            }
            if (sz < sGeo) {
                sGeo = sz;
                axis = 2;
            }
            if (sGeo < 0) {
                sGeo = 0;
            }
            double invRho = pairInvRho[c];
            double rCut = rangeCut[m];
            double sStop = (rr - rCut) * invRho; // path to the absorption cut-off
            double s = stepFraction * rr * invRho;
            int limit = 0; // 0 energy-loss step, 1 boundary, 2 hard event, 3 stops
            if (sStop <= s) {
                s = sStop;
                limit = 3;
            }
            double hMac = at(hardMax, off, xp) * r;
            if (hMac > 0) {
                double sh = mfp / hMac;
                if (sh < s) {
                    s = sh;
                    limit = 2;
                }
            }
            if (sGeo <= s) {
                s = sGeo;
                limit = 1;
            }
            double rEnd = rr - s * r;
            double e1 = limit == 3 ? ecut : (rEnd <= rCut ? ecut : t.energyAtRange(m, rEnd));
            if (e1 > e) {
                e1 = e;
            }
            deposit(vox, e - e1);
            x += s * u;
            y += s * v;
            z += s * w;
            mfp -= s * hMac;
            if (limit == 3) {
                deposit(vox, e1);
                if (positron) {
                    annihilate(x, y, z);
                }
                return;
            }
            if (limit == 1) {
                // cross into the neighbour along the old direction
                boolean out;
                if (axis == 0) {
                    ix += u > 0 ? 1 : -1;
                    out = ix < 0 || ix >= nx;
                } else if (axis == 1) {
                    iy += v > 0 ? 1 : -1;
                    out = iy < 0 || iy >= ny;
                } else {
                    iz += w > 0 ? 1 : -1;
                    out = iz < 0 || iz >= nz;
                }
                if (out) {
                    escaped += positron ? e1 + TWO_M : e1;
                    return;
                }
            }
            // multiple scattering over the step: 1 - cos(theta) from an exponential of mean theta0^2
            // (small-angle Gaussian), truncated to [0, 2] so that it tends to isotropy for wide distributions
            double em = 0.5 * (e + e1);
            double a = 0.5 * at(msPower, off, pos(em)) * s * r;
            if (a > 0) {
                rotate(u, v, w, 1 - scatteringOneMinusCos(a, rng));
                u = ru;
                v = rv;
                w = rw;
            }
            if (limit == 2) {
                mfp = -FastLog.ln(rng.open());
                // real event at energy e1: bremsstrahlung, Moller, or a null event
                double x1p = pos(e1);
                double sel = rng.uniform() * hMac * invRho;
                double sb = at(brems, off, x1p);
                if (sel < sb) {
                    if (e1 > kc) {
                        double k = kc * Math.exp(rng.uniform() * Math.log(e1 / kc));
                        if (k > e1) {
                            k = e1;
                        }
                        e1 -= k;
                        push(PHOTON, k, x, y, z, u, v, w, -1);
                    }
                } else if (e1 > 2 * wcc && sel < sb + at(moller, off, x1p)) {
                    // hard collision: delta electron with W in (wcc, e1/2]; directions from two-body kinematics
                    double wd = Moller.sampleSecondary(e1, wcc, rng);
                    rotate(u, v, w, Moller.cosine(wd, e1));
                    double du = ru;
                    double dv = rv;
                    double dw = rw;
                    // primary: momentum conservation p0 = p1 + p_delta (coplanar, opposite azimuth)
                    double p0 = Math.sqrt(e1 * (e1 + TWO_M));
                    double pd = Math.sqrt(wd * (wd + TWO_M));
                    double pu = p0 * u - pd * du;
                    double pv = p0 * v - pd * dv;
                    double pw = p0 * w - pd * dw;
                    double inv = 1 / Math.sqrt(pu * pu + pv * pv + pw * pw);
                    u = pu * inv;
                    v = pv * inv;
                    w = pw * inv;
                    e1 -= wd;
                    if (wd > ecut) {
                        push(Source.ELECTRON, wd, x, y, z, du, dv, dw, region);
                    } else {
                        deposit(vox, wd);
                    }
                }
            }
            e = e1;
        }
    }
}
