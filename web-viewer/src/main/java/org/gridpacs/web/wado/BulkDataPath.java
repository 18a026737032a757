package org.gridpacs.web.wado;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.web.HttpProblem;

/**
 * The attribute path after {@code /bulkdata/} in the BulkDataURIs this server writes: tags as 8 hex digits and
 * item indexes from 0, "/"-separated, a tag last ("7FE00010", "00540016/0/00181072").
 *
 * @param tags  the tags from the top-level one down
 * @param items the item index within each sequence tag (one fewer than tags)
 */
record BulkDataPath(int[] tags, int[] items) {

    /** @throws HttpProblem 400 for a path not of that form */
    static BulkDataPath parse(String path) throws HttpProblem {
        String[] s = path == null ? new String[0] : path.split("/", -1);
        if (s.length == 0 || s.length % 2 == 0) {
            throw bad(path, "it must be tags and item indexes in turn, a tag last");
        }
        List<Integer> tags = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        for (int k = 0; k < s.length; k++) {
            if (k % 2 == 0) {
                if (!s[k].matches("[0-9A-Fa-f]{8}")) {
                    throw bad(path, "'" + s[k] + "' is not a tag (8 hex digits)");
                }
                tags.add(Integer.parseUnsignedInt(s[k], 16));
            } else {
                if (!s[k].matches("[0-9]{1,9}")) {
                    throw bad(path, "'" + s[k] + "' is not an item index (from 0)");
                }
                items.add(Integer.parseInt(s[k]));
            }
        }
        return new BulkDataPath(tags.stream().mapToInt(Integer::intValue).toArray(),
                items.stream().mapToInt(Integer::intValue).toArray());
    }

    private static HttpProblem bad(String path, String why) {
        return HttpProblem.badRequest("bulk data path '" + path + "': " + why);
    }

    int topLevelTag() {
        return tags[0];
    }

    boolean isTopLevel() {
        return tags.length == 1;
    }
}
