package org.gridpacs.dose.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.source.Beam;

/**
 * A beam description -> the engine's beams on a CT. An isocentre is taken as given (mm -> cm); an SSD places the
 * isocentre on the beam axis through the middle of the CT, {@code SAD - SSD} below the skin, the skin being the first
 * voxel denser than {@value #SKIN_DENSITY} g/cm3 along that axis (so that the source is SSD from the skin).
 */
final class BeamGeometry {
    static final double SKIN_DENSITY = 0.5;

    private BeamGeometry() {
    }

    static List<Beam> toBeams(List<BeamSpec> specs, Phantom p) throws DoseInputException {
        List<Beam> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            out.add(toBeam(specs.get(i), p, i + 1));
        }
        return out;
    }

    static Beam toBeam(BeamSpec s, Phantom p, int number) throws DoseInputException {
        double[] iso;
        if (s.isocenter() != null) {
            iso = new double[] {s.isocenter().get(0) / 10, s.isocenter().get(1) / 10, s.isocenter().get(2) / 10};
        } else {
            double[] centre = {p.x0 + p.nx * p.dx / 2, p.y0 + p.ny * p.dy / 2, p.z0 + p.nz * p.dz / 2};
            Beam probe = new Beam(s.energy(), s.mu(), s.gantry(), s.collimator(), 0, 0, 0, s.x1(), s.x2(), s.y1(),
                    s.y2(), BeamSpec.SAD_CM);
            double[] d = probe.axis();
            double[] skin = skin(p, centre, d);
            if (skin == null) {
                throw new DoseInputException(String.format(Locale.ROOT, "beam %d at gantry %.1f misses the patient: "
                        + "nothing denser than %.1f g/cm3 along its axis through the middle of the CT", number,
                        s.gantry(), SKIN_DENSITY));
            }
            double depth = BeamSpec.SAD_CM - s.ssd();
            iso = new double[] {skin[0] + depth * d[0], skin[1] + depth * d[1], skin[2] + depth * d[2]};
        }
        return new Beam(s.energy(), s.mu(), s.gantry(), s.collimator(), iso[0], iso[1], iso[2], s.x1(), s.x2(), s.y1(),
                s.y2(), BeamSpec.SAD_CM);
    }

    /** The first point along {@code d} through {@code centre} inside a voxel denser than the skin threshold. */
    static double[] skin(Phantom p, double[] centre, double[] d) {
        double half = Math.sqrt(Math.pow(p.nx * p.dx, 2) + Math.pow(p.ny * p.dy, 2) + Math.pow(p.nz * p.dz, 2)) / 2;
        double step = Math.min(p.dx, Math.min(p.dy, p.dz)) / 4;
        for (double t = -half - step; t <= half + step; t += step) {
            double x = centre[0] + t * d[0];
            double y = centre[1] + t * d[1];
            double z = centre[2] + t * d[2];
            int i = p.indexAt(x, y, z);
            if (i >= 0 && p.density[i] > SKIN_DENSITY) {
                return new double[] {x, y, z};
            }
        }
        return null;
    }
}
