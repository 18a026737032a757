package org.gridpacs.web.render;

/**
 * The colour wash an RT Dose is rendered with instead of grey: a "jet" rainbow from dark blue (just above no dose)
 * through cyan, green and yellow to red (the maximum), and black where there is no dose at all, so that the
 * irradiated volume stands out and equal colours mean equal dose on every frame of the grid.
 */
final class DoseColourMap {
    private DoseColourMap() {
    }

    /** The RGB of a dose fraction {@code t} of the maximum (0..1; 0 and below black). */
    static int rgb(double t) {
        if (!(t > 0)) {
            return 0;
        }
        double x = Math.min(t, 1);
        int r = channel(1.5 - Math.abs(4 * x - 3));
        int g = channel(1.5 - Math.abs(4 * x - 2));
        int b = channel(1.5 - Math.abs(4 * x - 1));
        return r << 16 | g << 8 | b;
    }

    private static int channel(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
