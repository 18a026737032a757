package org.gridpacs.web.render;

import java.util.Locale;

/**
 * A VOI window (PS3.3 C.11.2.1.2): center, width and function, mapping modality values to 0..255.
 *
 * @param function LINEAR, LINEAR_EXACT or SIGMOID
 */
public record Window(double center, double width, Function function) {

    public enum Function { LINEAR, LINEAR_EXACT, SIGMOID }

    public Window {
        if (!Double.isFinite(center) || !Double.isFinite(width)) {
            throw new IllegalArgumentException("window center and width must be numbers");
        }
        if (function == Function.LINEAR ? width < 1 : width <= 0) {
            throw new IllegalArgumentException("window width " + width + " is not allowed for " + function
                    + (function == Function.LINEAR ? " (at least 1)" : " (more than 0)"));
        }
    }

    /**
     * Parses PS3.18 8.3.5.1.2 {@code window=center,width[,function]} (function LINEAR when absent).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Window parse(String value) {
        String[] p = value.split(",", -1);
        if (p.length < 2 || p.length > 3) {
            throw new IllegalArgumentException("window must be center,width,function; got \"" + value + "\"");
        }
        Function f;
        try {
            f = p.length == 3 ? Function.valueOf(p[2].trim().toUpperCase(Locale.ROOT)) : Function.LINEAR;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("window function \"" + p[2].trim()
                    + "\" is not LINEAR, LINEAR_EXACT or SIGMOID");
        }
        return new Window(number(p[0], "center"), number(p[1], "width"), f);
    }

    private static double number(String s, String what) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("window " + what + " \"" + s.trim() + "\" is not a number");
        }
    }

    /** The output 0..255 for a modality value x (PS3.3 C.11.2.1.2.1, .3.1, .3.2). */
    public double apply(double x) {
        return switch (function) {
            case LINEAR -> {
                double c = center - 0.5;
                double w = width - 1;
                if (x <= c - w / 2) {
                    yield 0;
                }
                if (x > c + w / 2) {
                    yield 255;
                }
                yield w == 0 ? 255 : ((x - c) / w + 0.5) * 255;
            }
            case LINEAR_EXACT -> {
                if (x <= center - width / 2) {
                    yield 0;
                }
                if (x > center + width / 2) {
                    yield 255;
                }
                yield ((x - center) / width + 0.5) * 255;
            }
            case SIGMOID -> 255 / (1 + Math.exp(-4 * (x - center) / width));
        };
    }

    /** The window spanning {@code min..max} exactly (when the instance names none). */
    public static Window spanning(double min, double max) {
        double width = Math.max(max - min, 1e-9);
        return new Window(min + width / 2, width, Function.LINEAR_EXACT);
    }
}
