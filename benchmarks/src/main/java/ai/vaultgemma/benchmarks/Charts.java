package ai.vaultgemma.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the two charts the README shows, as PNG, with nothing but the JDK (headless Java2D).
 *
 * <p>Kept deliberately small: a line chart (hit rate against capacity, one line per policy) and a
 * horizontal bar chart (speed-up ratios). Not thread-safe; each call draws one file.
 */
final class Charts {

  /** One named line of a line chart: y values at each x position, in percent. */
  record Series(String name, double[] values) {}

  /** One bar of a bar chart. */
  record Bar(String label, double value) {}

  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e),
    new Color(0x8c564b)
  };

  private Charts() {}

  /**
   * Draws a line chart of hit rates.
   *
   * @param file where the PNG goes (parent folders are created)
   * @param title the chart title
   * @param xLabels one label per x position (the capacities)
   * @param series the lines, each with one value per x label
   * @throws IOException if the file cannot be written
   */
  static void lineChart(Path file, String title, List<String> xLabels, List<Series> series)
      throws IOException {
    int width = 720;
    int height = 420;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    int left = 70;
    int right = width - 190;
    int top = 60;
    int bottom = height - 60;
    double max = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        max = Math.max(max, v);
      }
    }
    double yMax = Math.max(10, Math.ceil(max / 10.0) * 10);
    axes(g, left, right, top, bottom);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int tick = 0; tick <= yMax; tick += 10) {
      int y = bottom - (int) Math.round((bottom - top) * tick / yMax);
      g.setColor(new Color(0xe0e0e0));
      g.drawLine(left + 1, y, right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(tick + " %", left - 45, y + 4);
    }
    int n = xLabels.size();
    int[] xs = new int[n];
    for (int i = 0; i < n; i++) {
      xs[i] = left + (int) Math.round((right - left) * (i + 0.5) / n);
      String label = xLabels.get(i);
      g.drawString(label, xs[i] - g.getFontMetrics().stringWidth(label) / 2, bottom + 18);
    }
    g.drawString("capacity (entries)", (left + right) / 2 - 50, bottom + 40);
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      g.setColor(PALETTE[k % PALETTE.length]);
      g.setStroke(new BasicStroke(2.5f));
      int prevX = -1;
      int prevY = -1;
      for (int i = 0; i < n && i < s.values().length; i++) {
        int y = bottom - (int) Math.round((bottom - top) * s.values()[i] / yMax);
        g.fillOval(xs[i] - 4, y - 4, 8, 8);
        if (prevX >= 0) {
          g.drawLine(prevX, prevY, xs[i], y);
        }
        prevX = xs[i];
        prevY = y;
      }
      int ly = top + 10 + k * 22;
      g.fillRect(right + 20, ly - 8, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), right + 40, ly + 2);
    }
    write(img, file);
  }

  /**
   * Draws a horizontal bar chart of ratios, with a reference line at 1x.
   *
   * @param file where the PNG goes (parent folders are created)
   * @param title the chart title
   * @param bars the bars, top to bottom
   * @throws IOException if the file cannot be written
   */
  static void barChart(Path file, String title, List<Bar> bars) throws IOException {
    int width = 820;
    int rowHeight = 28;
    int height = 90 + rowHeight * Math.max(1, bars.size());
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img, title);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int labelWidth = 0;
    for (Bar b : bars) {
      labelWidth = Math.max(labelWidth, fm.stringWidth(b.label()));
    }
    int left = Math.min(420, labelWidth + 20);
    int right = width - 80;
    double max = 1;
    for (Bar b : bars) {
      max = Math.max(max, b.value());
    }
    // Ratios span orders of magnitude (1.1x to 600x): a log scale keeps every bar readable.
    double logMax = Math.log10(max) + 0.1;
    int top = 50;
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      int y = top + i * rowHeight;
      double frac = Math.max(0, Math.log10(Math.max(1, b.value())) / logMax);
      int w = Math.max(2, (int) Math.round((right - left) * frac));
      g.setColor(b.value() >= 1 ? PALETTE[0] : PALETTE[1]);
      g.fillRect(left, y, w, rowHeight - 8);
      g.setColor(Color.BLACK);
      g.drawString(b.label(), left - 10 - fm.stringWidth(b.label()), y + 14);
      g.drawString(String.format(Locale.ROOT, "%.2fx", b.value()), left + w + 6, y + 14);
    }
    g.setColor(Color.GRAY);
    g.drawLine(left, top - 5, left, top + bars.size() * rowHeight);
    g.drawString("1x (log scale)", left - 20, height - 15);
    write(img, file);
  }

  private static Graphics2D canvas(BufferedImage img, String title) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 20, 28);
    return g;
  }

  private static void axes(Graphics2D g, int left, int right, int top, int bottom) {
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawLine(left, top, left, bottom);
    g.drawLine(left, bottom, right, bottom);
  }

  private static void write(BufferedImage img, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(img, "png", file.toFile());
  }
}
