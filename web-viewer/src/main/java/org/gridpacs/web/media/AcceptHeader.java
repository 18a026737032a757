package org.gridpacs.web.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The media ranges of Accept headers (and of the {@code accept} query parameter), most preferred first (q-value,
 * then specificity, then order). A request may carry several Accept headers; an absent or empty Accept is
 * {@code * / *}. Ranges with q=0 are left out: they say what is not acceptable.
 */
public final class AcceptHeader {
    private final List<MediaType> ranges;

    private AcceptHeader(List<MediaType> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * Parses the values of every Accept header of a request (each a comma-separated list).
     *
     * @throws IllegalArgumentException for a range that is not a media type
     */
    public static AcceptHeader parse(List<String> values) {
        record Ranked(MediaType type, double q, int order) {
        }
        List<Ranked> ranked = new ArrayList<>();
        int order = 0;
        for (String value : values) {
            for (String range : MediaType.split(value, ',')) {
                if (range.isBlank()) {
                    continue;
                }
                MediaType m = MediaType.parse(range);
                double q = 1;
                String qv = m.parameter("q");
                if (qv != null) {
                    try {
                        q = Double.parseDouble(qv);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad q-value '" + qv + "' in Accept: " + range.trim());
                    }
                    var params = new java.util.LinkedHashMap<>(m.parameters());
                    params.remove("q");
                    m = new MediaType(m.type(), m.subtype(), params);
                }
                if (q > 0) {
                    ranked.add(new Ranked(m, q, order++));
                }
            }
        }
        if (ranked.isEmpty() && values.stream().allMatch(String::isBlank)) {
            return new AcceptHeader(List.of(MediaType.ANY));
        }
        ranked.sort(Comparator.comparingDouble((Ranked r) -> -r.q)
                .thenComparingInt(r -> r.type.isWildcard() ? 1 : 0).thenComparingInt(r -> r.order));
        return new AcceptHeader(ranked.stream().map(Ranked::type).toList());
    }

    public static AcceptHeader parse(String value) {
        return parse(value == null ? List.of() : List.of(value));
    }

    /** The acceptable media ranges, most preferred first; empty when everything was refused with q=0. */
    public List<MediaType> ranges() {
        return ranges;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
