package org.jcriu.images.crit;

import java.io.ByteArrayOutputStream;

/**
 * Quoted-printable text as Python's quopri.encodestring gives it (crit's
 * encoding of unix socket names): printable ASCII kept, '=' and other bytes
 * as =XX, line breaks kept, spaces and tabs at a line end quoted, soft line
 * breaks ("=\n") keeping lines under 77 characters.
 */
final class Quopri {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Quopri() {
    }

    static String encode(byte[] in) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < in.length; i++) {
            int c = in[i] & 255;
            if (c == '\n') {
                endLine(out, line, true);
                continue;
            }
            String piece;
            boolean atEol = i + 1 == in.length || in[i + 1] == '\n';
            if ((c == ' ' || c == '\t') && atEol) {
                piece = quote(c);
            } else if (c == '=' || c < 32 && c != '\t' || c > 126) {
                piece = quote(c);
            } else {
                piece = String.valueOf((char) c);
            }
            if (line.length() + piece.length() > 75 && !(atEol && line.length() + piece.length() <= 76)) {
                out.append(line).append("=\n");
                line.setLength(0);
            }
            line.append(piece);
        }
        if (line.length() > 0) {
            out.append(line);
        }
        return out.toString();
    }

    private static void endLine(StringBuilder out, StringBuilder line, boolean newline) {
        out.append(line);
        if (newline) {
            out.append('\n');
        }
        line.setLength(0);
    }

    private static String quote(int c) {
        return "=" + HEX[c >> 4] + HEX[c & 15];
    }

    static byte[] decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '=' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
            } else {
                out.write(c & 255);
            }
        }
        return out.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
