package org.gridpacs.web.json;

import java.util.ArrayList;
import java.util.List;

/**
 * The attribute paths of bulk values and the BulkDataURIs that name them (WADO-RS metadata writes them, the bulkdata
 * resource reads them back):
 * <pre>
 * {serviceRoot}/studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}
 * path = tag *("/" item "/" tag)
 * </pre>
 * where each tag is 8 upper-case hex digits (group then element, "7FE00010") and each item is the 0-based index of
 * the item of the sequence named before it: "7FE00010" is Pixel Data, "00540016/0/00181072" Radionuclide Total Dose
 * in the first item of Radiopharmaceutical Information Sequence. The same paths are what the index records of the
 * values it left out of a header (archive-node {@code index.LeftOutValues}). The serviceRoot is the one the client
 * used (see {@code DicomWebRequest.serviceRoot()}), so the URIs work behind a proxy.
 */
public final class BulkDataPaths {
    private BulkDataPaths() {
    }

    /** A parsed path: the tags from the top, and the item index between each tag and the next. */
    public record Path(List<Integer> tags, List<Integer> items) {
        public Path {
            tags = List.copyOf(tags);
            items = List.copyOf(items);
            if (tags.isEmpty() || items.size() != tags.size() - 1) {
                throw new IllegalArgumentException("a path has one item index fewer than tags");
            }
        }

        /** The tag of the attribute the path names (the last one). */
        public int tag() {
            return tags.get(tags.size() - 1);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(hex(tags.get(0)));
            for (int k = 0; k < items.size(); k++) {
                sb.append('/').append(items.get(k)).append('/').append(hex(tags.get(k + 1)));
            }
            return sb.toString();
        }
    }

    /** "0020000D": the path step of a tag. */
    public static String hex(int tag) {
        return org.gridpacs.dicom.data.ElementDictionary.hex(tag);
    }

    /** The prefix of the attributes of item {@code index} of the sequence at {@code sequencePath}. */
    public static String item(String sequencePath, int index) {
        return sequencePath + "/" + index + "/";
    }

    /**
     * Parses a path ("00540016/0/00181072"); hex digits in either case are accepted.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Path parse(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty attribute path");
        }
        String[] steps = path.split("/", -1);
        if (steps.length % 2 == 0) {
            throw new IllegalArgumentException("attribute path '" + path + "' does not end with a tag");
        }
        List<Integer> tags = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) {
            String s = steps[k];
            if (k % 2 == 0) {
                if (!s.matches("[0-9A-Fa-f]{8}")) {
                    throw new IllegalArgumentException("'" + s + "' in attribute path '" + path + "' is not a tag"
                            + " (8 hex digits)");
                }
                tags.add(Integer.parseUnsignedInt(s, 16));
            } else {
                if (!s.matches("\\d{1,9}")) {
                    throw new IllegalArgumentException("'" + s + "' in attribute path '" + path + "' is not an item"
                            + " index (0, 1, ...)");
                }
                items.add(Integer.parseInt(s));
            }
        }
        return new Path(tags, items);
    }

    /** The BulkDataURI of the value at {@code path} of an instance. */
    public static String uri(String serviceRoot, String study, String series, String instance, String path) {
        return serviceRoot + "/studies/" + study + "/series/" + series + "/instances/" + instance + "/bulkdata/" + path;
    }
}
