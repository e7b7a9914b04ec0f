/* The floor under the memory goal: a bare WebKitGTK window (the library Tauri's window is made
 * of) at 1366x768 showing about:blank, with nothing of ours in it. scripts/app-bench.sh floor
 * builds it and measures its processes the way the memory bench measures the app's. */
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  GtkWidget *w = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(w), 1366, 768);
  GtkWidget *v = webkit_web_view_new();
  gtk_container_add(GTK_CONTAINER(w), v);
  webkit_web_view_load_uri(WEBKIT_WEB_VIEW(v), argc > 1 ? argv[1] : "about:blank");
  gtk_widget_show_all(w);
  gtk_main();
  return 0;
}
