/**
 * The {@code crit} tool: {@link org.jcriu.images.crit.Crit} (picocli) decodes
 * images to the JSON CRIU's crit prints (plain and {@code --pretty}), encodes
 * it back byte for byte, and explores an image directory ({@code x DIR
 * ps|fds|mems|rss}). A thin client of {@link org.jcriu.images}.
 */
package org.jcriu.images.crit;
