package dev.loca.train.cli;

import dev.loca.train.views.ViewsConfig;

/** The view recipes a command line can name. */
enum ViewsPreset {
  faithful, cpu;

  ViewsConfig config() {
    return this == faithful ? ViewsConfig.faithful() : ViewsConfig.cpu();
  }
}
