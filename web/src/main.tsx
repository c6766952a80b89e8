// Entry point of the dashboard bundle (web/dist/index.html loads it).
import { render } from "preact";
import { App } from "./app";
import "./styles.css";

render(<App />, document.getElementById("app")!);
