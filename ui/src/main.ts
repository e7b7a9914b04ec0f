// Entry: Vue 3 + Element Plus (zh-cn, components imported on demand), vue-router, pinia.
import { createApp } from "vue";
import { createPinia } from "pinia";
import App from "./App.vue";
import { router } from "./router";
import "./style.css";

createApp(App).use(createPinia()).use(router).mount("#app");
