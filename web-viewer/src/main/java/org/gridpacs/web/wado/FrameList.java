package org.gridpacs.web.wado;

import org.gridpacs.web.HttpProblem;

/** The frame list of a frames resource (PS3.18 10.4.1.1.3): 1-based frame numbers, comma-separated ("1,3,5"). */
final class FrameList {
    private FrameList() {
    }

    /**
     * The frame numbers, in the order given (repeats kept).
     *
     * @throws HttpProblem 400 for a list that is not positive integers separated by commas
     */
    static int[] parse(String list) throws HttpProblem {
        if (list == null || list.isEmpty()) {
            throw HttpProblem.badRequest("no frame numbers in the frame list");
        }
        String[] items = list.split(",", -1);
        int[] frames = new int[items.length];
        for (int k = 0; k < items.length; k++) {
            String s = items[k].trim();
            if (!s.matches("[0-9]{1,9}") || Integer.parseInt(s) < 1) {
                throw HttpProblem.badRequest("frame list '" + list + "': '" + items[k]
                        + "' is not a frame number (frames are numbered from 1)");
            }
            frames[k] = Integer.parseInt(s);
        }
        return frames;
    }
}
